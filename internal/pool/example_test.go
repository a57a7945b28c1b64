package pool_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/deckreel/deckreel/internal/pool"
)

// A single worker that is also the consumer: every batch is reported with
// Done or Fail, and the consumer advances past what it has used.
func Example() {
	p, err := pool.New(pool.Config{Ranges: []pool.Range{{Start: 0, End: 10}}, Window: 8, MinBatch: 4, MaxBatch: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for {
		b, err := p.Next(ctx)
		if errors.Is(err, pool.ErrDrained) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		if b.Start == 4 && b.Attempt == 0 {
			retried := p.Fail(b, errors.New("tab crashed"), true)
			fmt.Println("failed", b.Range, "retry:", retried)
			continue
		}
		p.Done(b, time.Second)
		fmt.Println("done", b.Range, "attempt", b.Attempt)
		p.Advance(b.End)
	}
	// Output:
	// done [0,4) attempt 0
	// failed [4,8) retry: true
	// done [4,8) attempt 1
	// done [8,10) attempt 0
}
