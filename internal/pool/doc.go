// Package pool hands frame-range batches to capture workers (browser tabs)
// in priority order and keeps them inside a sliding window ahead of the
// encoder.
//
// A render is a list of frame ranges. Workers call [Pool.Next] for a
// [Batch], capture it and report it with [Pool.Done] or [Pool.Fail]; the
// consumer that restores frame order calls [Pool.Advance] as it uses frames
// up. Retries go before new work, and new work is cut lazily from the lowest
// frame index, sized from the measured time per frame so that one batch takes
// about [Config.TargetBatchTime]. A batch never ends more than
// [Config.Window] frames past the consumer, so however long the deck, at most
// Window frames are in flight or waiting to be encoded. The pool has no
// goroutines of its own: it is a mutex, a retry heap and a channel that is
// closed on every state change, which blocked calls to Next select on
// together with their context.
package pool
