package coreutils

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// uniqReq is a uniq command line.
type uniqReq struct {
	count, repeated, allRepeated, unique, ignoreCase bool
	skipFields, skipChars, checkChars                int64 // checkChars -1: the whole line
	delim                                            byte
	in, out                                          string
}

func parseUniq(args []string) (*uniqReq, error) {
	r := &uniqReq{checkChars: -1, delim: '\n', in: "-"}
	num := func(dst *int64, what string) func(string) error {
		return func(a string) error {
			n, err := strconv.ParseInt(a, 10, 64)
			if err != nil || n < 0 {
				return fail(1, "uniq: %s: %s", a, what)
			}
			*dst = n
			return nil
		}
	}
	set := &opts.Set{Prog: "uniq", Opts: []opts.Opt{
		{Short: 'c', Long: "count", Do: set(&r.count)},
		{Short: 'd', Long: "repeated", Do: set(&r.repeated)},
		{Short: 'D', Long: "all-repeated", Arg: opts.Optional, Do: set(&r.allRepeated)},
		{Short: 'u', Long: "unique", Do: set(&r.unique)},
		{Short: 'i', Long: "ignore-case", Do: set(&r.ignoreCase)},
		{Short: 'f', Long: "skip-fields", Arg: opts.Required, Do: num(&r.skipFields, "invalid number of fields to skip")},
		{Short: 's', Long: "skip-chars", Arg: opts.Required, Do: num(&r.skipChars, "invalid number of bytes to skip")},
		{Short: 'w', Long: "check-chars", Arg: opts.Required, Do: num(&r.checkChars, "invalid number of bytes to compare")},
		{Short: 'z', Long: "zero-terminated", Do: func(string) error { r.delim = 0; return nil }},
	}, Number: num(&r.skipFields, "invalid number of fields to skip")}
	files, err := parseOpts(set, 1, args)
	if err != nil {
		return nil, err
	}
	switch {
	case len(files) > 2:
		return nil, usage("uniq", 1, "extra operand %s", q(files[2]))
	case r.count && r.allRepeated:
		return nil, usage("uniq", 1, "printing all duplicated lines and repeat counts is meaningless")
	}
	if len(files) > 0 {
		r.in = files[0]
	}
	if len(files) > 1 {
		r.out = files[1]
	}
	return r, nil
}

func runUniq(c *shell.Cmd) int {
	r, err := parseUniq(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	in, err := input(c, r.in)
	if err != nil {
		if isDirErr(err) {
			return c.Errorf("uniq: error reading %s", q(r.in))
		}
		return c.Errorf("uniq: %s", shell.FileError(err))
	}
	defer in.Close()
	w, done, err := uniqOutput(c, r.out)
	if err != nil {
		return c.Errorf("uniq: %s", shell.FileError(err))
	}
	out := textio.NewOut(w)
	err = r.filter(textio.NewLines(c.Ctx, in, r.delim, out), out)
	ferr := out.Flush()
	done()
	switch {
	case textio.IsWrite(err) || ferr != nil:
		return textio.SigPipe
	case err != nil:
		return c.Errorf("uniq: error reading %s", q(r.in))
	}
	return 0
}

// uniqOutput is standard output, or the OUTPUT operand.
func uniqOutput(c *shell.Cmd, name string) (io.Writer, func(), error) {
	if name == "" || name == "-" {
		return c.Stdout, func() {}, nil
	}
	f, err := c.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// filter writes each group of equal adjacent lines as asked.
func (r *uniqReq) filter(lines *textio.Lines, out *textio.Out) error {
	var group [][]byte
	for {
		rec, err := lines.Next()
		if err != nil && err != io.EOF {
			return err
		}
		if rec != nil {
			rec, _ = textio.TrimDelim(rec, r.delim)
		}
		if len(group) > 0 && (err == io.EOF || !r.equal(group[0], rec)) {
			r.writeGroup(out, group)
			group = group[:0]
		}
		if err == io.EOF {
			return nil
		}
		group = append(group, rec)
	}
}

func (r *uniqReq) writeGroup(out *textio.Out, group [][]byte) {
	n := len(group)
	switch {
	case r.allRepeated:
		if n > 1 {
			for _, l := range group {
				out.Write(append(l, r.delim))
			}
		}
		return
	case r.repeated && n < 2, r.unique && n > 1:
		return
	case r.count:
		fmt.Fprintf(out, "%7d ", n)
	}
	out.Write(append(group[0], r.delim))
}

// equal compares two lines after -f and -s, within -w, folding with -i.
func (r *uniqReq) equal(a, b []byte) bool {
	a, b = r.part(a), r.part(b)
	if r.ignoreCase {
		return bytes.EqualFold(a, b)
	}
	return bytes.Equal(a, b)
}

func (r *uniqReq) part(l []byte) []byte {
	p := 0
	for n := r.skipFields; n > 0 && p < len(l); n-- {
		p = skipBlanks(l, p)
		for p < len(l) && !isBlank(l[p]) {
			p++
		}
	}
	l = l[min(int64(len(l)), int64(p)+r.skipChars):]
	if r.checkChars >= 0 && int64(len(l)) > r.checkChars {
		l = l[:r.checkChars]
	}
	return l
}
