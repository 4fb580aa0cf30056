package kmod

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// runModprobe is modprobe: parse, then load or remove each module.
func runModprobe(c *shell.Cmd) int {
	r, err := Parse(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	if r.Version {
		c.Printf("kmod version 30\n+ZSTD +XZ -ZLIB +LIBCRYPTO -EXPERIMENTAL\n")
		return 0
	}
	if len(r.Params) > 0 {
		return c.Exit(fmt.Errorf("nsemu: modprobe: module parameters (%s): not emulated", strings.Join(r.Params, " ")))
	}
	if r.Remove {
		return c.Exit(remove(c.World(), r))
	}
	return c.Exit(load(c.World(), r))
}

// modulesDir is the directory modprobe looks for modules in.
const modulesDir = "/lib/modules/" + emu.KernelRelease

// load loads each module. With -a a module not found is a warning and the
// others still load; without, it is fatal.
func load(w *emu.World, r Request) error {
	var msgs []string
	for _, m := range r.Modules {
		if !emu.KnownModule(m) {
			if !r.Quiet {
				msgs = append(msgs, notFoundLoad(m, r.All))
			}
			continue
		}
		if !r.DryRun {
			if _, err := w.LoadModule(m); err != nil {
				return fmt.Errorf("modprobe: ERROR: could not insert '%s': %v", emu.ModuleName(m), err)
			}
		}
	}
	if len(msgs) > 0 || len(r.Modules) != countKnown(r.Modules) {
		return &shell.ExitError{Status: 1, Msg: strings.Join(msgs, "\n")}
	}
	return nil
}

func notFoundLoad(m string, all bool) string {
	level := "FATAL"
	if all {
		level = "WARNING"
	}
	return fmt.Sprintf("modprobe: %s: Module %s not found in directory %s", level, m, modulesDir)
}

func countKnown(mods []string) int {
	n := 0
	for _, m := range mods {
		if emu.KnownModule(m) {
			n++
		}
	}
	return n
}

// remove removes each module; the first it cannot remove ends the run, as
// modprobe -r does.
func remove(w *emu.World, r Request) error {
	for _, m := range r.Modules {
		err := checkRemove(w, m)
		if err == nil && !r.DryRun {
			_, err = w.UnloadModule(m)
		}
		if err != nil {
			if r.Quiet && errors.Is(err, emu.ErrModuleNotFound) {
				return &shell.ExitError{Status: 1}
			}
			return fmt.Errorf("modprobe: FATAL: %s", removeError(m, err))
		}
	}
	return nil
}

// checkRemove is what modprobe -r would refuse, without removing.
func checkRemove(w *emu.World, m string) error {
	if !emu.KnownModule(m) {
		return emu.ErrModuleNotFound
	}
	if !w.ModuleLoaded(m) {
		return emu.ErrModuleNotLoaded
	}
	for _, l := range w.Modules() {
		if l.Name == emu.ModuleName(m) && len(l.UsedBy) > 0 {
			return emu.ErrModuleInUse
		}
	}
	return nil
}

func removeError(m string, err error) string {
	switch {
	case errors.Is(err, emu.ErrModuleNotFound):
		return fmt.Sprintf("Module %s not found.", m)
	case errors.Is(err, emu.ErrModuleNotLoaded):
		return fmt.Sprintf("Module %s is not in kernel.", emu.ModuleName(m))
	case errors.Is(err, emu.ErrModuleInUse):
		return fmt.Sprintf("Module %s is in use.", emu.ModuleName(m))
	}
	return err.Error()
}

// runLsmod is lsmod: it takes no arguments.
func runLsmod(c *shell.Cmd) int {
	if len(c.Args) > 1 {
		return c.Fail(1, "Usage: lsmod")
	}
	printModules(c.Stdout, c.World().Modules())
	return 0
}
