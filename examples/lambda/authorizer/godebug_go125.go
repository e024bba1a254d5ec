//go:build go1.25

// go.mod says go 1.24 so that the module builds with Go 1.24, and the go
// command then builds this main with Go 1.24's GODEBUG defaults, older and
// less strict than the toolchain's: SHA-1 signatures in TLS 1.2
// (tlssha1=1), for one. These directives restore, for a toolchain that has
// them, the defaults Go 1.25 changed; godebug_go126.go those of Go 1.26.
// They sit in files built only by such toolchains because an older one
// refuses a setting it does not know. internal/lambdabuild's tests check
// that the built bootstrap has no DefaultGODEBUG left (go version -m).

//go:debug tlssha1=0
//go:debug x509sha256skid=1
//go:debug containermaxprocs=1
//go:debug updatemaxprocs=1
//go:debug decoratemappings=1

package main
