package coreutils

import (
	"errors"
	"io/fs"
	"path"
	"strings"
	"syscall"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/shell"
)

// copyReq is a cp or mv command line.
type copyReq struct {
	prog                          string
	recursive, verbose, noClobber bool
	noTargetDir                   bool // -T
	sources                       []string
	dest                          string
}

func parseCopy(prog string, args []string) (*copyReq, error) {
	r := &copyReq{prog: prog}
	none := func(string) error { return nil }
	table := []opts.Opt{
		{Short: 'v', Long: "verbose", Do: set(&r.verbose)},
		{Short: 'f', Long: "force", Do: none},
		{Short: 'i', Long: "interactive", Do: none},
		{Short: 'n', Long: "no-clobber", Do: set(&r.noClobber)},
		{Short: 'T', Long: "no-target-directory", Do: set(&r.noTargetDir)},
		{Short: 'u', Long: "update", Arg: opts.Optional, Do: none},
	}
	if prog == "cp" {
		table = append(table,
			opts.Opt{Short: 'r', Long: "recursive", Do: set(&r.recursive)},
			opts.Opt{Short: 'R', Do: set(&r.recursive)},
			opts.Opt{Short: 'a', Long: "archive", Do: set(&r.recursive)},
			opts.Opt{Short: 'p', Do: none},
			opts.Opt{Long: "preserve", Arg: opts.Optional, Do: none},
			opts.Opt{Short: 'd', Do: none},
			opts.Opt{Short: 'L', Long: "dereference", Do: none},
			opts.Opt{Short: 'P', Long: "no-dereference", Do: none})
	}
	ops, err := parseOpts(&opts.Set{Prog: prog, Opts: table}, 1, args)
	switch {
	case err != nil:
		return nil, err
	case len(ops) == 0:
		return nil, usage(prog, 1, "missing file operand")
	case len(ops) == 1:
		return nil, usage(prog, 1, "missing destination file operand after %s", q(ops[0]))
	case r.noTargetDir && len(ops) > 2:
		return nil, usage(prog, 1, "extra operand %s", q(ops[2]))
	}
	r.sources, r.dest = ops[:len(ops)-1], ops[len(ops)-1]
	return r, nil
}

func runCp(c *shell.Cmd) int { return runCopy(c, "cp") }
func runMv(c *shell.Cmd) int { return runCopy(c, "mv") }

// runCopy copies (cp) or moves (mv) files within the emulated file
// system.
func runCopy(c *shell.Cmd, prog string) int {
	r, err := parseCopy(prog, c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	fi, err := c.Stat(r.dest)
	intoDir := err == nil && fi.IsDir() && !r.noTargetDir
	if !intoDir && len(r.sources) > 1 {
		if err != nil {
			return c.Exit(fail(1, "%s: target %s: %s", prog, q(r.dest), strerror(err)))
		}
		return c.Exit(fail(1, "%s: target %s is not a directory", prog, q(r.dest)))
	}
	status := 0
	for _, src := range r.sources {
		dst := r.dest
		if intoDir {
			dst = joinDir(r.dest, path.Base(strings.TrimRight(src, "/")))
		}
		if err := r.one(c, src, dst); err != nil {
			status = c.Exit(err)
		} else if r.verbose {
			c.Printf("%s -> %s\n", q(src), q(dst))
		}
	}
	return status
}

// one copies or moves src to dst.
func (r *copyReq) one(c *shell.Cmd, src, dst string) error {
	fi, err := c.Stat(src)
	if err != nil {
		return fail(1, "%s: cannot stat %s: %s", r.prog, q(src), strerror(err))
	}
	sp, dp := c.Path(src), c.Path(dst)
	switch {
	case sp == dp:
		return fail(1, "%s: %s and %s are the same file", r.prog, q(src), q(dst))
	case fi.IsDir() && strings.HasPrefix(dp, sp+"/"):
		if r.prog == "mv" {
			return fail(1, "mv: cannot move %s to a subdirectory of itself, %s", q(src), q(dst))
		}
		return fail(1, "cp: cannot copy a directory, %s, into itself, %s", q(src), q(dst))
	case fi.IsDir() && r.prog == "cp" && !r.recursive:
		return fail(1, "cp: -r not specified; omitting directory %s", q(src))
	}
	if _, err := c.Stat(dst); err == nil && r.noClobber {
		return nil
	}
	if r.prog == "mv" {
		return r.move(c, src, dst, fi)
	}
	if err := copyTree(c, sp, dp, fi); err != nil {
		return fail(1, "cp: cannot create regular file %s: %s", q(dst), strerror(err))
	}
	return nil
}

// move renames, or copies and removes across file systems.
func (r *copyReq) move(c *shell.Cmd, src, dst string, fi fs.FileInfo) error {
	sp, dp := c.Path(src), c.Path(dst)
	err := c.Files().Rename(sp, dp)
	if errors.Is(err, syscall.EXDEV) {
		if err = copyTree(c, sp, dp, fi); err == nil {
			err = c.Files().RemoveAll(sp)
		}
	}
	if err != nil {
		return fail(1, "mv: cannot move %s to %s: %s", q(src), q(dst), strerror(err))
	}
	return nil
}

// copyTree copies a file, or a directory and what it holds.
func copyTree(c *shell.Cmd, src, dst string, fi fs.FileInfo) error {
	v := c.Files()
	if !fi.IsDir() {
		data, err := v.ReadFile(src)
		if err != nil {
			return err
		}
		return v.WriteFile(dst, data, fi.Mode().Perm())
	}
	if st, err := v.Stat(dst); err != nil || !st.IsDir() {
		if err := v.Mkdir(dst, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	fis, err := v.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range fis {
		if err := c.Ctx.Err(); err != nil {
			return err
		}
		if err := copyTree(c, path.Join(src, e.Name()), path.Join(dst, e.Name()), e); err != nil {
			return err
		}
	}
	return nil
}
