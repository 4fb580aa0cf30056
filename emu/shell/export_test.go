package shell

// Unexported helpers the external tests use, until each moves with its
// tool to a package of its own.
var (
	RunIP       = runIP
	RunBridge   = runBridge
	RunBrctl    = runBrctl
	Matches     = matches
)
