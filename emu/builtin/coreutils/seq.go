package coreutils

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// seqReq is a seq command line.
type seqReq struct {
	first, step, last float64
	integers          bool // every operand is an integer: print integers
	prec              int  // decimals to print, from FIRST and INCREMENT
	width             int  // -w: the widest of FIRST and LAST
	equalWidth        bool
	sep               string
	format            string // -f, in Go's syntax
}

func parseSeq(args []string) (*seqReq, error) {
	r := &seqReq{sep: "\n", step: 1}
	set := &opts.Set{Prog: "seq", Opts: []opts.Opt{
		{Short: 's', Long: "separator", Arg: opts.Required, Do: func(a string) error { r.sep = a; return nil }},
		{Short: 'w', Long: "equal-width", Do: set(&r.equalWidth)},
		{Short: 'f', Long: "format", Arg: opts.Required, Do: r.formatArg},
	}}
	// A negative number is an operand, not an option (seq 5 -1 1).
	split := len(args)
	for i, a := range args {
		if _, err := strconv.ParseFloat(a, 64); err == nil && strings.HasPrefix(a, "-") {
			split = i
			break
		}
	}
	ops, err := parseOpts(set, 1, args[:split])
	if err != nil {
		return nil, err
	}
	ops = append(ops, args[split:]...)
	switch {
	case len(ops) == 0:
		return nil, usage("seq", 1, "missing operand")
	case len(ops) > 3:
		return nil, usage("seq", 1, "extra operand %s", q(ops[3]))
	case r.format != "" && r.equalWidth:
		return nil, usage("seq", 1, "format string may not be specified when printing equal width strings")
	}
	return r, r.operands(ops)
}

// operands reads [FIRST [INCREMENT]] LAST.
func (r *seqReq) operands(ops []string) error {
	vals := make([]float64, len(ops))
	r.integers = true
	for i, o := range ops {
		v, err := strconv.ParseFloat(strings.TrimSpace(o), 64)
		if err != nil && !isRangeErr(err) || math.IsNaN(v) {
			return usage("seq", 1, "invalid floating point argument: %s", q(o))
		}
		vals[i] = v
		if strings.ContainsAny(o, ".eEpPxX") || math.IsInf(v, 0) {
			r.integers = false
		}
		if i < 2 || len(ops) == 1 {
			r.prec = max(r.prec, decimals(o))
		}
	}
	r.first, r.last = 1, vals[len(vals)-1]
	if len(vals) > 1 {
		r.first = vals[0]
	}
	if len(vals) == 3 {
		r.step = vals[1]
		if r.step == 0 {
			return usage("seq", 1, "invalid Zero increment value: %s", q(ops[1]))
		}
	}
	r.width = max(len(r.num(r.first)), len(r.num(r.last)))
	return nil
}

// decimals is how many digits follow the point in a number as written.
func decimals(s string) int {
	i := strings.IndexByte(s, '.')
	if i < 0 || strings.ContainsAny(s, "eE") {
		return 0
	}
	return len(s) - i - 1
}

// formatArg takes -f FORMAT: one %e, %f, %g (or %a) directive, in C's
// syntax, which Go's fmt shares but for %g's default precision.
func (r *seqReq) formatArg(a string) error {
	i := strings.IndexByte(strings.ReplaceAll(a, "%%", ""), '%')
	if i < 0 {
		return fail(1, "seq: format %s has no %% directive", q(a))
	}
	j := strings.Index(a, strings.ReplaceAll(a, "%%", "")[i:])
	k := j + 1
	for k < len(a) && strings.IndexByte("-+ #0'123456789.", a[k]) >= 0 {
		k++
	}
	if k == len(a) || strings.IndexByte("eEfFgGaA", a[k]) < 0 {
		return fail(1, "seq: format %s has unknown %%%s directive", q(a), a[j+1:min(len(a), k+1)])
	}
	spec := strings.ReplaceAll(a[j:k], "'", "")
	if (a[k] == 'g' || a[k] == 'G') && !strings.Contains(spec, ".") {
		spec += ".6"
	}
	r.format = a[:j] + spec + string(a[k]) + a[k+1:]
	return nil
}

// num formats one value.
func (r *seqReq) num(v float64) string {
	switch {
	case r.format != "":
		return fmt.Sprintf(r.format, v)
	case r.integers && math.Abs(v) < 1<<53:
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', r.prec, 64)
}

func runSeq(c *shell.Cmd) int {
	r, err := parseSeq(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	out := textio.NewOut(c.Stdout)
	i := int64(0)
	for ; ; i++ {
		v := r.first + float64(i)*r.step
		if r.step > 0 && v > r.last || r.step < 0 && v < r.last {
			break
		}
		if i > 0 {
			out.WriteString(r.sep)
		}
		s := r.num(v)
		if r.equalWidth && len(s) < r.width {
			s = zeroPad(s, r.width)
		}
		if _, err := out.WriteString(s); err != nil {
			return textio.SigPipe // the reader went away (seq ... | head)
		}
		if i%4096 == 0 && c.Ctx.Err() != nil {
			return 130
		}
	}
	if i > 0 {
		out.WriteString("\n")
	}
	if out.Flush() != nil {
		return textio.SigPipe
	}
	return 0
}

// zeroPad widens a number with zeros after its sign.
func zeroPad(s string, width int) string {
	if strings.HasPrefix(s, "-") {
		return "-" + strings.Repeat("0", width-len(s)) + s[1:]
	}
	return strings.Repeat("0", width-len(s)) + s
}
