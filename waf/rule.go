package waf

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// headerMatch is what HeaderRule reads from and writes into the rule: the
// header name as the rule spells it, and the values it accepts, in order.
type headerMatch struct {
	header string
	values []string
}

// findRule returns the index of the rule named name, or -1.
func findRule(rules []types.Rule, name string) int {
	return slices.IndexFunc(rules, func(r types.Rule) bool { return aws.ToString(r.Name) == name })
}

// parseRule reads r's statement. It refuses anything but an Allow rule
// matching header (compared without regard to case, as WAF does) EXACTLY
// with text transformation NONE, in one ByteMatchStatement or an OrStatement
// of them. The error names what differs, never a value.
func parseRule(r *types.Rule, header string) (headerMatch, error) {
	if r.Action == nil || r.Action.Allow == nil {
		return headerMatch{}, fmt.Errorf("%w: its action is not Allow", ErrUnexpectedRule)
	}
	st := r.Statement
	if st == nil {
		return headerMatch{}, fmt.Errorf("%w: it has no statement", ErrUnexpectedRule)
	}
	var matches []*types.ByteMatchStatement
	switch {
	case st.ByteMatchStatement != nil:
		matches = append(matches, st.ByteMatchStatement)
	case st.OrStatement != nil:
		for i := range st.OrStatement.Statements {
			s := &st.OrStatement.Statements[i]
			if s.ByteMatchStatement == nil {
				return headerMatch{}, fmt.Errorf("%w: statement %d of its OrStatement is not a ByteMatchStatement", ErrUnexpectedRule, i+1)
			}
			matches = append(matches, s.ByteMatchStatement)
		}
	default:
		return headerMatch{}, fmt.Errorf("%w: its statement is neither a ByteMatchStatement nor an OrStatement", ErrUnexpectedRule)
	}
	var m headerMatch
	for i, b := range matches {
		if b.FieldToMatch == nil || b.FieldToMatch.SingleHeader == nil || !strings.EqualFold(aws.ToString(b.FieldToMatch.SingleHeader.Name), header) {
			return headerMatch{}, fmt.Errorf("%w: byte match %d does not inspect the single header %s", ErrUnexpectedRule, i+1, header)
		}
		if b.PositionalConstraint != types.PositionalConstraintExactly {
			return headerMatch{}, fmt.Errorf("%w: byte match %d's positional constraint is %s, not EXACTLY", ErrUnexpectedRule, i+1, b.PositionalConstraint)
		}
		if len(b.TextTransformations) != 1 || b.TextTransformations[0].Type != types.TextTransformationTypeNone {
			return headerMatch{}, fmt.Errorf("%w: byte match %d transforms the header (want exactly one text transformation, NONE)", ErrUnexpectedRule, i+1)
		}
		if m.header == "" {
			m.header = aws.ToString(b.FieldToMatch.SingleHeader.Name)
		}
		if v := string(b.SearchString); !slices.Contains(m.values, v) {
			m.values = append(m.values, v)
		}
	}
	return m, nil
}

// statement builds the rule statement accepting m.values: one
// ByteMatchStatement for one value (an OrStatement needs two), an
// OrStatement otherwise.
func (m headerMatch) statement() *types.Statement {
	byteMatch := func(v string) *types.ByteMatchStatement {
		return &types.ByteMatchStatement{
			FieldToMatch:         &types.FieldToMatch{SingleHeader: &types.SingleHeader{Name: aws.String(m.header)}},
			PositionalConstraint: types.PositionalConstraintExactly,
			SearchString:         []byte(v),
			TextTransformations:  []types.TextTransformation{{Priority: 0, Type: types.TextTransformationTypeNone}},
		}
	}
	if len(m.values) == 1 {
		return &types.Statement{ByteMatchStatement: byteMatch(m.values[0])}
	}
	or := &types.OrStatement{}
	for _, v := range m.values {
		or.Statements = append(or.Statements, types.Statement{ByteMatchStatement: byteMatch(v)})
	}
	return &types.Statement{OrStatement: or}
}

func (m headerMatch) accepts(v string) bool { return slices.Contains(m.values, v) }

// checkValue reports whether v can be a byte match search string.
func checkValue(v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%w: empty", ErrInvalidValue)
	case len(v) > MaxValueLength:
		return fmt.Errorf("%w: %d bytes, AWS WAF allows at most %d (generate shorter values)", ErrInvalidValue, len(v), MaxValueLength)
	}
	return nil
}
