// Package fingerprint names a secret header value without revealing it, for
// the demo and the originlock command: two outputs can be compared ("the
// distribution sends the value AWSCURRENT holds") while neither shows the
// value nor lets a reader recover it.
//
// A fingerprint is "#" and the first 8 hex digits (32 bits) of
// PBKDF2-HMAC-SHA256 over the value with a fixed, public salt and Iterations
// rounds. Why this and not a plain SHA-256:
//
//   - The values the rotation generates are 64 random letters and digits
//     (381 bits). No hash of them, plain or slow, lets anyone recover or
//     guess them, and 32 bits of output carry at most 32 of the 381 bits.
//   - A value a person chose (an initial value typed into a variable, a
//     weak test value) is another matter: with a plain SHA-256, anyone who
//     reads a log line could test a dictionary at billions of guesses a
//     second. PBKDF2's rounds make every guess cost Iterations HMACs, and the
//     32-bit truncation makes a match ambiguous once the dictionary passes a
//     few billion entries.
//   - The salt is fixed, not random, so that the same value has the same
//     fingerprint on every machine and in every run: an operator can match
//     the demo's timeline, a monitor's history and a status output. (A
//     per-run random key would hide even that a value repeats, and make
//     fingerprints useless across runs.) It is not secret: it separates
//     these fingerprints from any other use of SHA-256.
//
// Nothing here is meant to authenticate: a fingerprint only names a value.
package fingerprint
