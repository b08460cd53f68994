// SPDX-License-Identifier: Apache-2.0

package ir

// Walk calls visit on every node of the flow once, inputs before the nodes
// that consume them, and stops at the first error visit returns. A forward
// reference's input is a back edge: the reference is visited before the
// collection that completes it, as it is used before it is defined. Nodes
// with no order between them are visited in the order of their IDs, so a
// flow as built is walked in the order it was built.
func (f *Flow) Walk(visit func(n *Node) error) error {
	for _, n := range f.Order() {
		if err := visit(n); err != nil {
			return err
		}
	}
	return nil
}

// Order returns every node of the flow in the order Walk visits them.
func (f *Flow) Order() []*Node {
	done := make(map[*Node]bool, len(f.Nodes))
	order := make([]*Node, 0, len(f.Nodes))
	// NB: iterative, so that a long chain does not grow the stack.
	type frame struct {
		n    *Node
		next int
	}
	var stack []frame
	for _, root := range f.Nodes {
		if done[root] {
			continue
		}
		done[root] = true
		stack = append(stack[:0], frame{n: root})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.n.Cycle == nil && top.next < len(top.n.Inputs) {
				in := top.n.Inputs[top.next]
				top.next++
				if in != nil && !done[in] {
					done[in] = true
					stack = append(stack, frame{n: in})
				}
				continue
			}
			order = append(order, top.n)
			stack = stack[:len(stack)-1]
		}
	}
	return order
}

// Consumers returns, for every node, the nodes that take it as an input,
// once per input edge, in the order of the consumers' IDs.
func (f *Flow) Consumers() map[*Node][]*Node {
	cs := make(map[*Node][]*Node)
	for _, n := range f.Nodes {
		for _, in := range n.Inputs {
			if in != nil {
				cs[in] = append(cs[in], n)
			}
		}
	}
	return cs
}

// ReplaceInput makes n consume with instead of old wherever it consumed old,
// and returns how many inputs it replaced.
func (n *Node) ReplaceInput(old, with *Node) int {
	k := 0
	for i, in := range n.Inputs {
		if in == old {
			n.Inputs[i] = with
			k++
		}
	}
	return k
}

// Add appends n to the flow, giving it the next ID, and returns it.
func (f *Flow) Add(n *Node) *Node {
	n.ID = len(f.Nodes)
	f.Nodes = append(f.Nodes, n)
	return n
}
