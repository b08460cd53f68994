// SPDX-License-Identifier: Apache-2.0

// Package compartment holds the sends that compartmentalized protocols are
// built from: items spread over a cluster by a partitioning policy, and a
// cluster's work handed one-to-one to the member of the same id in another
// cluster (a proxy tier in front of acceptors, say). They are ordinary
// functions over the language's networking operators.
//
// # Usage
//
//	shards := compartment.PartitionBy(writes, storage, 4, func(w Write) uint64 { return hash(w.Key) })
//	proxied := compartment.OneToOne(work, leaders, proxies)
package compartment
