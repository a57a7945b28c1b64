package frames

import "testing"

func TestBufferPool(t *testing.T) {
	tests := []struct {
		name     string
		put      [][]byte
		wantKept int
	}{
		{"keeps buffers of the size", [][]byte{make([]byte, 8), make([]byte, 8)}, 2},
		{"trims larger ones", [][]byte{make([]byte, 8, 16)}, 1},
		{"drops smaller ones", [][]byte{make([]byte, 4)}, 0},
		{"drops beyond capacity", [][]byte{make([]byte, 8), make([]byte, 8), make([]byte, 8), make([]byte, 8)}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newBufferPool(8, 3)
			for _, b := range tt.put {
				p.put(b)
			}
			if got := len(p.free); got != tt.wantKept {
				t.Errorf("kept %d buffers, want %d", got, tt.wantKept)
			}
			for range tt.wantKept + 1 {
				if b := p.get(); len(b) != 8 {
					t.Errorf("get returned %d bytes, want 8", len(b))
				}
			}
		})
	}
}
