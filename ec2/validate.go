package ec2

import (
	"strings"
	"unicode/utf8"
)

const maxKeyNameLen = 255

// validateKeyName applies the KeyName rules: presence, length, control
// characters, ASCII only, no leading or trailing space (errors.go).
func validateKeyName(name string) error {
	if name == "" {
		return apiErr(CodeMissingParameter, 400, "The request must contain the parameter KeyName")
	}
	if len(name) > maxKeyNameLen {
		return apiErr(CodeInvalidParameterValue, 400,
			"Value for parameter KeyName is invalid. Length exceeds maximum of 255.")
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] == 0x7f {
			return apiErr(CodeInvalidParameterValue, 400,
				"Value for parameter KeyName is invalid. Control characters (bytes 0x00-0x1F and 0x7F) are not allowed.")
		}
	}
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			return apiErr(CodeInvalidParameterValue, 400,
				"Value (%s) for parameter KeyName is invalid. Character sets beyond ASCII are not supported.", name)
		}
	}
	if isSpace(name[0]) || isSpace(name[len(name)-1]) {
		return apiErr(CodeInvalidParameterValue, 400,
			"Value (%s) for parameter KeyName is invalid. Leading and trailing spaces are not allowed.", name)
	}
	return nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// normalizeEnum returns v, or def when v is empty, refusing values outside
// allowed (EC2 enums are case-sensitive).
func normalizeEnum(param, v, def string, allowed ...string) (string, error) {
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	if !printable(v) {
		return "", apiErr(CodeInvalidParameterValue, 400,
			"Value for parameter %s is invalid. Valid values are: %s.", param, strings.Join(allowed, ", "))
	}
	return "", apiErr(CodeInvalidParameterValue, 400,
		"Value (%s) for parameter %s is invalid. Valid values are: %s.", v, param, strings.Join(allowed, ", "))
}

// collectTags validates TagSpecifications (the tag rules in errors.go) and
// returns the tags to store and echo, nil when none were given.
func collectTags(specs []TagSpecification) ([]Tag, error) {
	var tags []Tag
	seen := make(map[string]bool)
	for _, sp := range specs {
		if sp.ResourceType != "key-pair" {
			if !printable(sp.ResourceType) {
				return nil, apiErr(CodeInvalidParameterValue, 400,
					"The resource type is not a valid taggable resource type for this operation.")
			}
			return nil, apiErr(CodeInvalidParameterValue, 400,
				"'%s' is not a valid taggable resource type for this operation.", sp.ResourceType)
		}
		for _, t := range sp.Tags {
			if len(tags) == MaxTags {
				break // over the limit: refused below, without looking at the rest
			}
			if !tagText(t.Key, false) {
				return nil, apiErr(CodeInvalidParameterValue, 400,
					"The tag key must not contain control characters or invalid UTF-8.")
			}
			if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
				return nil, apiErr(CodeInvalidParameterValue, 400,
					"Tag keys starting with 'aws:' are reserved for internal use")
			}
			if n := utf8.RuneCountInString(t.Key); n == 0 || n > 127 {
				return nil, apiErr(CodeInvalidParameterValue, 400,
					"The tag key must be between 1 and 127 Unicode characters long.")
			}
			if utf8.RuneCountInString(t.Value) > 256 {
				return nil, apiErr(CodeInvalidParameterValue, 400,
					"The tag value for key '%s' must be at most 256 Unicode characters long.", t.Key)
			}
			if !tagText(t.Value, true) {
				return nil, apiErr(CodeInvalidParameterValue, 400,
					"The tag value for key '%s' must not contain control characters other than tab, LF and CR, or invalid UTF-8.", t.Key)
			}
			if seen[t.Key] {
				return nil, apiErr(CodeInvalidParameterValue, 400,
					"Duplicate tag key '%s' specified.", t.Key)
			}
			seen[t.Key] = true
			tags = append(tags, t)
		}
	}
	if n := countTags(specs); n > MaxTags {
		return nil, apiErr(CodeTagLimitExceeded, 400,
			"The maximum number of tags per resource (%d) has been exceeded.", MaxTags)
	}
	return tags, nil
}

func countTags(specs []TagSpecification) int {
	n := 0
	for _, sp := range specs {
		n += len(sp.Tags)
	}
	return n
}

// tagText reports whether s is valid UTF-8 without control characters
// (C0, DEL, C1); value text may hold tab, LF and CR.
func tagText(s string, value bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case value && (r == '\t' || r == '\n' || r == '\r'):
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			return false
		}
	}
	return true
}
