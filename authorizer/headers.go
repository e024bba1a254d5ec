package authorizer

import "strings"

// restHeader returns the value of the header name (matched case-insensitively)
// from a REST API event. ok is false, and the value empty, when the header is
// missing or sent more than once: an ambiguous header is never trusted.
func restHeader(headers map[string]string, multi map[string][]string, name string) (value string, ok bool) {
	found := 0
	for k, vs := range multi {
		if strings.EqualFold(k, name) {
			found += len(vs)
		}
	}
	if found > 1 {
		return "", false
	}
	found = 0
	for k, v := range headers {
		if strings.EqualFold(k, name) {
			value = v
			found++
		}
	}
	if found != 1 {
		return "", false
	}
	return value, true
}

// httpHeader returns the header's value from an HTTP API (payload 2.0) event,
// whose header names arrive lower-cased. A header sent more than once arrives
// comma-joined; such a value is returned as "", so that it is denied without
// a read: no valid value contains a comma (see internal/secretvalue.Check).
func (a *adapter) httpHeader(headers map[string]string) string {
	value, ok := headers[a.lower]
	if !ok {
		value, _ = restHeader(headers, nil, a.header)
	}
	if strings.IndexByte(value, ',') >= 0 {
		return ""
	}
	return value
}
