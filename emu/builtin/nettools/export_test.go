package nettools

// Helpers the external tests use.
var (
	MaskBits  = maskBits
	Broadcast = broadcast
)
