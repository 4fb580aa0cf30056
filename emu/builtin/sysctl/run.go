package sysctl

import (
	"errors"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// run is the sysctl command: parse, then read or write each variable in
// turn. A failing variable does not stop the others; the last failure's
// status is the command's.
func run(c *shell.Cmd) int {
	r, err := parse(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	switch {
	case r.help:
		c.Printf("%s", usage)
		return 0
	case r.version:
		c.Printf("%s", version)
		return 0
	case r.load:
		return c.Exit(load(r))
	case r.all:
		show(c.Stdout, r.flags, read(c.NS, r.flags, c.NS.SysctlKeys()))
		return 0
	case len(r.vars) == 0 && r.noArgs:
		return c.Exit(shell.Failf(1, "%s", strings.TrimPrefix(usage, "\n")))
	case len(r.vars) == 0:
		return c.Exit(shell.Failf(status, "sysctl: no variables specified%s", tryHelp))
	}
	st := 0
	for _, arg := range r.vars {
		if s := c.Exit(one(c, r.flags, arg)); s != 0 {
			st = s
		}
	}
	return st
}

// load is -p: it reads /etc/sysctl.conf, or the files named. nsemu has
// none, and the default one missing is no error.
func load(r request) error {
	files := r.vars
	if r.loadFile != "" {
		files = append([]string{r.loadFile}, files...)
	}
	for _, file := range files {
		if file != "/etc/sysctl.conf" {
			return shell.Failf(status, "sysctl: cannot open \"%s\": No such file or directory", file)
		}
	}
	return nil
}

// one reads or writes one variable argument and prints the outcome.
func one(c *shell.Cmd, f flags, arg string) error {
	v, err := parseVar(f, arg)
	if err != nil {
		return err
	}
	if !v.write {
		return get(c, f, v.key)
	}
	done, err := put(c.NS, f, v.setting)
	if done {
		echo(c.Stdout, f, v.setting)
	}
	return err
}

// get prints a key, or every key under a directory (net.bridge).
func get(c *shell.Cmd, f flags, key string) error {
	keys := []string{key}
	if _, err := c.NS.Sysctl(key); err != nil {
		keys = under(c.NS, key)
	}
	switch {
	case len(keys) > 0:
		show(c.Stdout, f, read(c.NS, f, keys))
		return nil
	case f.ignore:
		return nil
	}
	return noSuchKey(key)
}

// under lists the keys of ns in the directory key.
func under(ns *emu.Namespace, key string) []string {
	var keys []string
	for _, k := range ns.SysctlKeys() {
		if strings.HasPrefix(k, key+".") {
			keys = append(keys, k)
		}
	}
	return keys
}

// read returns the values of keys that match f's pattern.
func read(ns *emu.Namespace, f flags, keys []string) []setting {
	var out []setting
	for _, k := range keys {
		if f.pattern != nil && !f.pattern.MatchString(k) {
			continue
		}
		if v, err := ns.Sysctl(k); err == nil {
			out = append(out, setting{key: k, value: v})
		}
	}
	return out
}

// put writes s (with --dry-run, only checks that the key exists). done
// reports whether the write is to be echoed: an unknown key under -e is
// skipped without a word.
func put(ns *emu.Namespace, f flags, s setting) (done bool, err error) {
	if f.dryRun {
		if _, err := ns.Sysctl(s.key); err != nil {
			return false, noSuchKey(s.key)
		}
		return true, nil
	}
	err = ns.SetSysctl(s.key, s.value)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, emu.ErrNoSysctl) && f.ignore:
		return false, nil
	case errors.Is(err, emu.ErrNoSysctl):
		return false, noSuchKey(s.key)
	case errors.Is(err, emu.ErrSysctlValue):
		return false, shell.Failf(status, "sysctl: setting key \"%s\": Invalid argument", s.key)
	}
	return false, shell.Failf(status, "sysctl: setting key \"%s\": %v", s.key, err)
}
