package coreutils

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/shell"
)

// The tools that change the emulated file system (and only it): mkdir,
// rmdir, rm, touch; cp and mv are in copy.go.

func runMkdir(c *shell.Cmd) int {
	var parents, verbose bool
	mode := fs.FileMode(0o755)
	set := &opts.Set{Prog: "mkdir", Opts: []opts.Opt{
		{Short: 'p', Long: "parents", Do: set(&parents)},
		{Short: 'v', Long: "verbose", Do: set(&verbose)},
		{Short: 'm', Long: "mode", Arg: opts.Required, Do: func(a string) error {
			m, err := strconv.ParseUint(a, 8, 32)
			if err != nil {
				return fail(1, "mkdir: invalid mode %s", q(a))
			}
			mode = fs.FileMode(m)
			return nil
		}},
	}}
	dirs, err := parseOpts(set, 1, c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	if len(dirs) == 0 {
		return c.Exit(usage("mkdir", 1, "missing operand"))
	}
	status := 0
	for _, d := range dirs {
		if err := mkdir(c, d, mode, parents); err != nil {
			status = c.Errorf("mkdir: cannot create directory %s: %s", q(d), strerror(err))
		} else if verbose {
			c.Printf("mkdir: created directory %s\n", q(d))
		}
	}
	return status
}

func mkdir(c *shell.Cmd, d string, mode fs.FileMode, parents bool) error {
	if !parents {
		return c.Files().Mkdir(c.Path(d), mode)
	}
	fi, err := c.Stat(d)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return syscall.EEXIST
	}
	p := c.Path(d)
	for dir := path.Dir(p); dir != "/"; dir = path.Dir(dir) {
		if fi, err := c.Files().Stat(dir); err == nil && !fi.IsDir() {
			return syscall.ENOTDIR
		}
	}
	return c.Files().MkdirAll(p, mode)
}

func runRmdir(c *shell.Cmd) int {
	var parents, ignore bool
	set := &opts.Set{Prog: "rmdir", Opts: []opts.Opt{
		{Short: 'p', Long: "parents", Do: set(&parents)},
		{Long: "ignore-fail-on-non-empty", Do: set(&ignore)},
		{Short: 'v', Long: "verbose", Do: func(string) error { return nil }},
	}}
	dirs, err := parseOpts(set, 1, c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	if len(dirs) == 0 {
		return c.Exit(usage("rmdir", 1, "missing operand"))
	}
	status := 0
	for _, d := range dirs {
		for {
			err := rmdir(c, d)
			if err != nil && !(ignore && errors.Is(err, syscall.ENOTEMPTY)) {
				status = c.Errorf("rmdir: failed to remove %s: %s", q(d), strerror(err))
			}
			if err != nil || !parents || path.Dir(d) == d || path.Dir(d) == "." {
				break
			}
			d = path.Dir(d)
		}
	}
	return status
}

// rmdir removes an empty directory.
func rmdir(c *shell.Cmd, d string) error {
	fi, err := c.Stat(d)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return syscall.ENOTDIR
	}
	if fis, err := c.ReadDir(d); err == nil && len(fis) > 0 {
		return syscall.ENOTEMPTY
	}
	return c.Files().Remove(c.Path(d))
}

// rmReq is an rm command line.
type rmReq struct {
	force, recursive, dirs, verbose, noPreserveRoot bool
	files                                           []string
}

func parseRm(args []string) (*rmReq, error) {
	r := &rmReq{}
	none := func(string) error { return nil }
	set := &opts.Set{Prog: "rm", Opts: []opts.Opt{
		{Short: 'f', Long: "force", Do: set(&r.force)},
		{Short: 'r', Long: "recursive", Do: set(&r.recursive)},
		{Short: 'R', Do: set(&r.recursive)},
		{Short: 'd', Long: "dir", Do: set(&r.dirs)},
		{Short: 'v', Long: "verbose", Do: set(&r.verbose)},
		{Short: 'i', Do: none}, {Short: 'I', Do: none},
		{Long: "interactive", Arg: opts.Optional, Do: none},
		{Long: "one-file-system", Do: none},
		{Long: "no-preserve-root", Do: set(&r.noPreserveRoot)},
		{Long: "preserve-root", Arg: opts.Optional, Do: none},
	}}
	files, err := parseOpts(set, 1, args)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 && !r.force {
		return nil, usage("rm", 1, "missing operand")
	}
	r.files = files
	return r, nil
}

func runRm(c *shell.Cmd) int {
	r, err := parseRm(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	status := 0
	for _, name := range r.files {
		if err := r.remove(c, name); err != nil {
			status = c.Exit(err)
		}
	}
	return status
}

// remove removes one operand.
func (r *rmReq) remove(c *shell.Cmd, name string) error {
	base := path.Base(strings.TrimRight(name, "/"))
	switch {
	case r.recursive && c.Path(name) == "/" && !r.noPreserveRoot:
		return fail(1, "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe")
	case base == "." || base == "..":
		return fail(1, "rm: refusing to remove '.' or '..' directory: skipping %s", q(name))
	}
	fi, err := c.Files().Lstat(c.Path(name))
	switch {
	case err != nil && r.force && errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fail(1, "rm: cannot remove %s: %s", q(name), strerror(err))
	case fi.IsDir() && !r.recursive && !r.dirs:
		return fail(1, "rm: cannot remove %s: Is a directory", q(name))
	case fi.IsDir() && !r.recursive:
		if err := rmdir(c, name); err != nil {
			return fail(1, "rm: cannot remove %s: %s", q(name), strerror(err))
		}
	case fi.IsDir():
		err = c.Files().RemoveAll(c.Path(name))
	default:
		err = c.Files().Remove(c.Path(name))
	}
	if err != nil {
		return fail(1, "rm: cannot remove %s: %s", q(name), strerror(err))
	}
	if r.verbose {
		what := ""
		if fi.IsDir() {
			what = "directory "
		}
		c.Printf("removed %s%s\n", what, q(name))
	}
	return nil
}

func runTouch(c *shell.Cmd) int {
	noCreate := false
	none := func(string) error { return nil }
	set := &opts.Set{Prog: "touch", Opts: []opts.Opt{
		{Short: 'c', Long: "no-create", Do: set(&noCreate)},
		{Short: 'a', Do: none}, {Short: 'm', Do: none}, {Short: 'h', Long: "no-dereference", Do: none},
		{Short: 'd', Long: "date", Arg: opts.Required, Do: none},
		{Short: 't', Arg: opts.Required, Do: none},
		{Short: 'r', Long: "reference", Arg: opts.Required, Do: none},
		{Long: "time", Arg: opts.Required, Do: none},
	}}
	files, err := parseOpts(set, 1, c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	if len(files) == 0 {
		return c.Exit(usage("touch", 1, "missing file operand"))
	}
	status := 0
	for _, name := range files {
		if _, err := c.Stat(name); err == nil || noCreate {
			continue
		}
		f, err := c.OpenFile(name, os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			status = c.Errorf("touch: cannot touch %s: %s", q(name), strerror(err))
			continue
		}
		f.Close()
	}
	return status
}
