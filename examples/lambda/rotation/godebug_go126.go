//go:build go1.26

// The defaults Go 1.26 changed: post-quantum SecP256r1MLKEM768 key exchange
// in TLS, strict colons in URL hosts, crypto ignoring caller-supplied
// randomness. See godebug_go125.go.

//go:debug tlssecpmlkem=1
//go:debug urlstrictcolons=1
//go:debug cryptocustomrand=0

package main
