// Package netfilter is a namespace's iptables, in one vocabulary from the
// command line to gVisor: the rule model (Rule, with counters), the parser
// of iptables' and iptables-save's command lines (Parse, ParseSave: pure,
// in iptables v1.8.9's words), the printing of -L, -S and iptables-save,
// the per-namespace table store (Tables: filter, nat, mangle and raw), and
// the compilation of the tables into gVisor's, with the iptables features
// that live on the packet path: counters, LOG, TRACE, the conntrack and
// addrtype matches, and br_netfilter's run of the tables on bridged frames.
//
// It depends on gVisor and emu/trace only. The stack package owns a
// Tables per namespace and gives it two things: a Host (the kernel log and
// the trace bus) and its Hooks, the stack's own concerns on the forwarding
// path (route decision, TTL expiry, a gVisor workaround), which gVisor lets
// run nowhere but in its iptables. They are compiled in front of the
// user's chains and installed even when the user never touches iptables.
//
// Files: rule.go (the model), tables.go (the store and its edits),
// compile.go and rules.go (to gVisor), hooks.go (Host and Hooks),
// conntrack.go, trace.go (TRACE and nf_log lines), bridge.go
// (br_netfilter); parse.go, options.go and values.go (the command line),
// exec.go (a parsed command applied), print.go, save.go and help.go (what
// iptables prints).
package netfilter
