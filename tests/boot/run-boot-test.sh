#!/bin/sh
# run-boot-test.sh CASE XLAT86 KERNEL
# Direct kernel boot tests (registered by tests/boot/CMakeLists.txt):
#   multiboot       KERNEL = mbtest.elf: boot with a command line and two
#                   modules; the kernel's report must match, exit status 1
#   multiboot-aout  KERNEL = mbtest-aout.bin (a.out kludge): one module, the
#                   kernel powers off through ACPI, exit status 0
#   bad-kernel      KERNEL = mbtest.elf (patched copies are made): malformed
#                   kernels and initrds each end with exit status 2 and one
#                   line on stderr naming the problem
#   reset           KERNEL = mbtest.elf with -append reset: four machine
#                   resets (keyboard controller, 0xCF9, 0x92, triple fault),
#                   each reloading the kernel into cleared RAM, then exit
#                   status 1; with -no-reboot the first reset request ends
#                   the run (status 0), and so does a triple fault (status
#                   0, "triple fault" and the CPU state on stderr)
#   reset-rom       KERNEL = reset_rom.bin, a ROM (-bios): three resets back
#                   to F000:FFF0 with RAM kept, then exit status 1; with
#                   -no-reboot the first reset request ends the run (status 0)
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 multiboot|multiboot-aout|bad-kernel|reset|reset-rom XLAT86 KERNEL" >&2
    exit 2
fi
CASE=$1
XLAT86=$2
KERNEL=$3
for f in "$XLAT86" "$KERNEL"; do
    if [ ! -e "$f" ]; then echo "FAIL: $f does not exist"; exit 1; fi
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/boot-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
cd "$TMP" || exit 1
fail=0

# Boot KERNEL with the debug console in out.txt; sets $status.
boot() {
    : > out.txt
    timeout -k 5 "${GUEST_TIMEOUT:-30}" "$XLAT86" -display none -serial none \
        -debugcon file:out.txt -icount 0 "$@" > stdout.txt 2> stderr.txt
    status=$?
}

# Expect exit status $1 ($2 names the run).
expect_status() {
    if [ $status -ne "$1" ]; then
        echo "FAIL: $2: exit status $status, expected $1"
        cat stderr.txt
        fail=1
    fi
}

compare() {
    if ! diff -u expected.txt out.txt > diff.txt; then
        echo "FAIL: $1: output differs from the expected text"
        cat diff.txt
        echo "--- stderr:"
        cat stderr.txt
        fail=1
    fi
}

case $CASE in
multiboot)
    printf 'module one\n' > mod1
    printf 'second\tmodule' > mod2
    for accel in dbt dbt,inline=off; do
        boot -kernel "$KERNEL" -append "hello world" -initrd mod1,mod2 -m 32 -accel "$accel"
        if [ $status -ne 1 ]; then
            echo "FAIL: -accel $accel: exit status $status, expected 1 (port 0xF4 value 0)"
            fail=1
        fi
        cat > expected.txt <<'EOF'
mbtest: ELF image
flags 0x0000024d
mem_lower 639 KiB, mem_upper 31744 KiB
cmdline 'hello world'
modules 2
module 0 'mod1' 11 bytes: module one\x0a
module 1 'mod2' 13 bytes: second\x09module
mmap 0x000000000 0x00009fc00 type 1
mmap 0x00009fc00 0x000000400 type 2
mmap 0x0000f0000 0x000010000 type 2
mmap 0x000100000 0x001f00000 type 1
boot loader 'xlat86'
acpi: rsdp 0x9fc00 pm1a_cnt 0x0604
MULTIBOOT OK
EOF
        compare "-accel $accel"
    done
    ;;
multiboot-aout)
    printf 'only module' > onlymod
    boot -kernel "$KERNEL" -append "" -initrd onlymod -m 64
    if [ $status -ne 0 ]; then
        echo "FAIL: exit status $status, expected 0 (ACPI soft-off)"
        fail=1
    fi
    cat > expected.txt <<'EOF'
mbtest: a.out kludge image
flags 0x0000024d
mem_lower 639 KiB, mem_upper 64512 KiB
cmdline ''
modules 1
module 0 'onlymod' 11 bytes: only module
mmap 0x000000000 0x00009fc00 type 1
mmap 0x00009fc00 0x000000400 type 2
mmap 0x0000f0000 0x000010000 type 2
mmap 0x000100000 0x003f00000 type 1
boot loader 'xlat86'
acpi: rsdp 0x9fc00 pm1a_cnt 0x0604
MULTIBOOT OK
EOF
    compare "a.out kludge"
    ;;
reset)
    cat > expected-all.txt <<'EOF'
mbtest: ELF image
reset test: boot 0
reset: keyboard controller (0xFE to port 0x64)
mbtest: ELF image
reset test: boot 1
reset: port 0xCF9 (0x06)
mbtest: ELF image
reset test: boot 2
reset: port 0x92 bit 0
mbtest: ELF image
reset test: boot 3
reset: triple fault
mbtest: ELF image
reset test: boot 4
RESET OK
EOF
    for accel in dbt dbt,inline=off; do
        boot -kernel "$KERNEL" -append "reset" -m 32 -accel "$accel"
        expect_status 1 "-accel $accel"
        cp expected-all.txt expected.txt
        compare "-accel $accel"
    done
    boot -kernel "$KERNEL" -append "reset" -m 32 -no-reboot
    expect_status 0 "-no-reboot"
    head -n 3 expected-all.txt > expected.txt
    compare "-no-reboot"
    boot -kernel "$KERNEL" -append "reset 3" -m 32 -no-reboot
    expect_status 0 "-no-reboot, triple fault"
    if ! grep -q "triple fault" stderr.txt || ! grep -q "^EIP=" stderr.txt; then
        echo "FAIL: -no-reboot, triple fault: no report with the CPU state on stderr"
        fail=1
    fi
    printf 'mbtest: ELF image\nreset test: boot 0\nreset: triple fault\n' > expected.txt
    compare "-no-reboot, triple fault"
    ;;
reset-rom)
    cat > expected-all.txt <<'EOF'
reset test: boot 00
reset: keyboard controller (0xFE to port 0x64)
reset test: boot 01
reset: port 0xCF9 (0x06)
reset test: boot 02
reset: port 0x92 bit 0
reset test: boot 03
RESET OK
EOF
    for accel in dbt dbt,inline=off; do
        boot -bios "$KERNEL" -m 16 -accel "$accel"
        expect_status 1 "-accel $accel"
        cp expected-all.txt expected.txt
        compare "-accel $accel"
    done
    boot -bios "$KERNEL" -m 16 -no-reboot
    expect_status 0 "-no-reboot"
    head -n 2 expected-all.txt > expected.txt
    compare "-no-reboot"
    ;;
bad-kernel)
    # Write bytes (octal escapes) at a file offset.
    poke() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
    # A synthetic bzImage: FILE SIZE VERSION(2 bytes, octal) LOADFLAGS SYSSIZE(4 bytes)
    mkbz() {
        dd if=/dev/zero of="$1" bs=1 count="$2" status=none
        poke "$1" $((0x1f1)) '\004'            # setup_sects = 4: kernel at 0xA00
        poke "$1" $((0x1f4)) "$5"              # syssize (16-byte units)
        poke "$1" $((0x1fe)) '\125\252'        # boot_flag 0xAA55
        poke "$1" $((0x201)) '\146'            # jump: header to 0x268
        poke "$1" $((0x202)) 'HdrS'
        poke "$1" $((0x206)) "$3"              # version
        poke "$1" $((0x211)) "$4"              # loadflags
        poke "$1" $((0x214)) '\000\000\020\000' # code32_start 0x100000
        poke "$1" $((0x22c)) '\377\377\377\177' # initrd_addr_max
        poke "$1" $((0x238)) '\377\000\000\000' # cmdline_size 255
    }
    # Run one bad case: NAME KEYWORD xlat86-args...
    expect_err() {
        name=$1
        word=$2
        shift 2
        timeout -k 5 30 "$XLAT86" -display none -serial none -m 32 "$@" \
            > stdout.txt 2> stderr.txt
        st=$?
        lines=$(wc -l < stderr.txt)
        if [ $st -ne 2 ]; then
            echo "FAIL: $name: exit status $st, expected 2"; cat stderr.txt; fail=1
        elif [ "$lines" -ne 1 ]; then
            echo "FAIL: $name: $lines lines on stderr, expected 1"; cat stderr.txt; fail=1
        elif ! grep -q "^xlat86: .*$word" stderr.txt; then
            echo "FAIL: $name: stderr lacks '$word':"; cat stderr.txt; fail=1
        else
            echo "ok: $name: $(cat stderr.txt)"
        fi
    }

    # 64 KiB of kernel announced, 4 KiB in the file.
    mkbz trunc.bz 4096 '\017\002' '\001' '\000\020\000\000'
    expect_err "truncated bzImage" "truncated" -kernel trunc.bz
    head -c 600 trunc.bz > short.bz
    expect_err "bzImage cut inside the header" "truncated" -kernel short.bz
    mkbz old.bz 8192 '\001\002' '\001' '\000\001\000\000'
    expect_err "boot protocol 2.01" "too old" -kernel old.bz
    mkbz low.bz 8192 '\017\002' '\000' '\000\001\000\000'
    expect_err "zImage (not loaded high)" "zImage" -kernel low.bz
    # A valid small bzImage (2.15) that asks for 256 MiB of init_size.
    mkbz big.bz 8192 '\017\002' '\001' '\000\001\000\000'
    poke big.bz $((0x260)) '\000\000\000\020'
    expect_err "kernel bigger than RAM" "needs RAM" -kernel big.bz
    mkbz ok.bz 8192 '\017\002' '\001' '\000\001\000\000'
    long=$(printf '%0300d' 0)
    expect_err "command line over cmdline_size" "command line" -kernel ok.bz -append "$long"
    truncate -s 33M huge.img
    expect_err "initrd larger than RAM" "larger than RAM" -kernel ok.bz -initrd huge.img
    truncate -s 31M big.img
    expect_err "initrd not fitting above the kernel" "do not fit" -kernel ok.bz -initrd big.img
    expect_err "Multiboot module not fitting" "does not fit" -kernel "$KERNEL" -initrd big.img

    # The test kernel with no program headers (e_phnum at offset 44 = 0).
    cp "$KERNEL" nophdr.elf
    poke nophdr.elf 44 '\000\000'
    expect_err "ELF with no loadable segment" "no loadable segment" -kernel nophdr.elf
    # A segment outside RAM (p_paddr of the first program header, offset 52+12).
    cp "$KERNEL" far.elf
    poke far.elf 64 '\000\000\000\200'
    expect_err "ELF segment beyond RAM" "beyond the end of RAM" -kernel far.elf
    printf 'just some text\n' > text.bin
    expect_err "not a kernel" "not a Linux bzImage nor a Multiboot" -kernel text.bin
    expect_err "missing kernel file" "No such file" -kernel does-not-exist
    expect_err "-initrd without -kernel" "only allowed with -kernel" -initrd text.bin
    expect_err "-append without -kernel" "only allowed with -kernel" -append x
    ;;
*)
    echo "$0: unknown case '$CASE'" >&2
    exit 2
    ;;
esac
[ $fail -eq 0 ] && echo "PASS: $CASE"
exit $fail
