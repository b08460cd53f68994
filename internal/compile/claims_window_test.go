// SPDX-License-Identifier: Apache-2.0

package compile

import (
	"fmt"
	"testing"
)

func TestPermutations(t *testing.T) {
	for n, want := range []int{0, 0, 1, 5, 23, 119} {
		seen := map[string]bool{fmt.Sprint(identity(n)): true}
		count := 0
		permutations(n, func(idx []int) {
			count++
			seen[fmt.Sprint(idx)] = true
		})
		if count != want || len(seen) != want+1 {
			t.Errorf("permutations(%d) gave %d orders, %d distinct with the identity; want %d, %d", n, count, len(seen), want, want+1)
		}
	}
}
