package request

// What a review holds in memory at most while it is decoded, defaulted and
// judged, per byte of its body and per value of each kind: the decoded
// request, the object as Go values, its Rego value and the rules' walks over
// it. Measured by BenchmarkReviewCost (webhook/handler), whose shapes each
// make one term dominate, and rounded up; docs/performance.md has the figures.
const (
	costPerByte   = 12
	costPerObject = 320
	costPerList   = 240
	costPerKey    = 120
	costPerString = 120
	costPerScalar = 80
)

// Cost is what a review of this shape is charged against the budget of
// reviews being judged, in bytes of memory.
func (s Shape) Cost() int64 {
	return int64(s.Bytes)*costPerByte + int64(s.Objects)*costPerObject + int64(s.Lists)*costPerList +
		int64(s.Keys)*costPerKey + int64(s.Strings)*costPerString + int64(s.Scalars)*costPerScalar
}
