"""hmp.py - a client of the human monitor (QEMU's HMP) on a unix socket
(-monitor unix:PATH,server,nowait), for test scripts that drive xlat86 and
qemu-system-i386 the same way. Import it with
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    from hmp import Monitor
"""
import re
import socket
import time


class Monitor:
    def __init__(self, path, limit=20):
        """Connect (retrying until the socket exists, up to `limit` s) and
        read the banner up to the first prompt."""
        t0 = time.time()
        while True:
            self.s = socket.socket(socket.AF_UNIX)
            try:
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() - t0 > limit:
                    raise
                time.sleep(0.05)
        self.s.settimeout(limit)
        self.prompt()

    def prompt(self):
        """Everything up to and including the next "(qemu) " prompt (or up
        to the end of the connection)."""
        buf = b""
        while not buf.endswith(b"(qemu) "):
            d = self.s.recv(65536)
            if not d:
                break
            buf += d
        return buf.decode("latin-1")

    def cmd(self, line):
        """Send one command; its reply up to the next prompt, without the
        terminal escapes QEMU puts around the echoed line."""
        self.s.sendall(line.encode() + b"\n")
        return re.sub(r"\x1b\[[0-9]*[A-Za-z]", "", self.prompt())

    def close(self):
        self.s.close()
