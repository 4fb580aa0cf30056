package qdisc

import (
	"math"
	"sync"
)

// The delay distribution tables netem's jitter draws from. tc loads them
// from files (/usr/lib/tc/normal.dist...) that iproute2 generates at build
// time from a formula (its netem/ directory); they are computed here the
// same way, once, when first asked for. Each is a scaled inverse of the
// distribution's cumulative function: 4096 values in units of
// 1/DistScale of a standard deviation.

// DistScale is NETEM_DIST_SCALE.
const DistScale = 8192

const distTableSize = 16384

var (
	distOnce   sync.Once
	distTables map[string][]int16
)

// DistTable returns the named distribution table ("normal", "pareto",
// "paretonormal"), or false for a name iproute2 ships no formula for.
func DistTable(name string) ([]int16, bool) {
	distOnce.Do(func() {
		n := normalCDFInverse()
		distTables = map[string][]int16{
			"normal":       normalTable(n),
			"pareto":       paretoTable(),
			"paretonormal": paretoNormalTable(n),
		}
	})
	t, ok := distTables[name]
	return t, ok
}

// normalCDFInverse tabulates, for each of distTableSize+1 probabilities,
// the last x (in steps of 0.00005 from -10) whose normal CDF rounds to it.
func normalCDFInverse() []float64 {
	table := make([]float64, distTableSize+1)
	for x := -10.0; x < 10.05; x += .00005 {
		cdf := .5 + .5*math.Erf(x/math.Sqrt2)
		table[int(math.RoundToEven(distTableSize*cdf))] = x
	}
	return table
}

func clampInt16(v int) int16 {
	return int16(min(max(v, math.MinInt16), math.MaxInt16))
}

func normalTable(inv []float64) []int16 {
	var out []int16
	for i := 0; i < distTableSize; i += 4 {
		out = append(out, clampInt16(int(math.RoundToEven(inv[i]*DistScale))))
	}
	return out
}

// paretoValue is the Pareto (a=3) inverse CDF at i/65536, shifted and
// scaled as iproute2's tables are.
func paretoValue(i int) int {
	v := 1.0 / math.Pow(float64(i)/65536, 1.0/3.0)
	v = (v - 1.5) * (4.0 / 3.0) * DistScale
	if v > 32767 {
		v = 32767
	}
	return int(math.RoundToEven(v))
}

func paretoTable() []int16 {
	var out []int16
	for i := 65536; i > 0; i -= 16 {
		out = append(out, int16(paretoValue(i)))
	}
	return out
}

// paretoNormalTable is .25 normal + .75 Pareto.
func paretoNormalTable(inv []float64) []int16 {
	var out []int16
	for i := 0; i < distTableSize; i += 4 {
		norm := int(math.RoundToEven(inv[i] * DistScale))
		out = append(out, clampInt16((norm+3*paretoValue(65536-4*i))/4))
	}
	return out
}
