package pool

// retryQueue is a min-heap of batches waiting to be retried, ordered by
// Start so that the retry the encoder needs soonest goes out first. Batches
// in it never overlap, so Start alone is a total order.
type retryQueue []Batch

func (q retryQueue) Len() int           { return len(q) }
func (q retryQueue) Less(i, j int) bool { return q[i].Start < q[j].Start }
func (q retryQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }

func (q *retryQueue) Push(x any) { *q = append(*q, x.(Batch)) }

func (q *retryQueue) Pop() any {
	old := *q
	b := old[len(old)-1]
	*q = old[:len(old)-1]
	return b
}
