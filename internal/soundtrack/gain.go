package soundtrack

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxGain is the loudest volume accepted: +24 dB. More is a typo.
const maxGain = 16

// ParseGain reads a volume as people write it, for flags such as
// --music-volume and --duck: a factor ("0.3"), a percentage ("30%") or
// decibels ("-10dB", "-10 dB"; 0 dB is 1). The result is a linear factor
// from 0 to 16 (+24 dB).
func ParseGain(s string) (float64, error) {
	t := strings.TrimSpace(s)
	var g float64
	var err error
	switch lower := strings.ToLower(t); {
	case strings.HasSuffix(lower, "db"):
		var db float64
		db, err = strconv.ParseFloat(strings.TrimSpace(t[:len(t)-2]), 64)
		g = math.Pow(10, db/20)
	case strings.HasSuffix(t, "%"):
		g, err = strconv.ParseFloat(strings.TrimSpace(t[:len(t)-1]), 64)
		g /= 100
	default:
		g, err = strconv.ParseFloat(t, 64)
	}
	if err != nil || math.IsNaN(g) || g < 0 || g > maxGain {
		return 0, fmt.Errorf("bad volume %q (write a factor such as 0.3, a percentage such as 30%%, or decibels such as -10dB; at most +24dB)", s)
	}
	return g, nil
}
