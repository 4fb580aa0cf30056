# modprobe's and lsmod's errors, in kmod 30's words.
modprobe
modprobe foo
modprobe -q foo
modprobe -a foo bar
modprobe -r foo
modprobe -r -q foo
modprobe -z x
modprobe --foo x
modprobe --version
lsmod x
