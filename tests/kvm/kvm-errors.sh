#!/bin/sh
# kvm-errors.sh XLAT86: command lines -accel kvm must refuse with one line
# on stderr ("xlat86: ...") and exit status 2, before touching /dev/kvm.
X=$1 fail=0
check() {
    what=$1; shift
    "$X" "$@" -display none > /tmp/kvm-errors.$$ 2>&1
    st=$?
    n=$(wc -l < /tmp/kvm-errors.$$)
    if [ $st -ne 2 ] || [ "$n" -ne 1 ] || ! grep -q '^xlat86: ' /tmp/kvm-errors.$$; then
        echo "FAIL: $what: status $st, $n lines: $(cat /tmp/kvm-errors.$$)"; fail=1
    else
        echo "ok: $what: $(cat /tmp/kvm-errors.$$)"
    fi
}
check "-icount with -accel kvm" -accel kvm -icount 0
check "-icount with -enable-kvm" -icount 2 -enable-kvm
check "unknown kvm parameter" -accel kvm,foo=on
check "kernel-irqchip not on/off" -accel kvm,kernel-irqchip=maybe
check "inline is dbt's" -accel kvm,inline=off
rm -f /tmp/kvm-errors.$$
exit $fail
