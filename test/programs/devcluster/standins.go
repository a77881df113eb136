package main

import (
	"context"
	"fmt"

	"github.com/tenantguard/tenantguard/test/support/cluster"
	"github.com/tenantguard/tenantguard/test/support/cluster/standin"
)

// startStandIns starts the stand-ins for Argo CD and the namespace
// controller, which a cluster runs and this local control plane does not,
// and says so: without them a deleted Tenant would wait forever for its
// Application's resources finalizer, and a deleted Namespace would stay
// Terminating. The returned stop stops them and waits until they have.
func startStandIns(c *cluster.Cluster) (stop func() error, err error) {
	fmt.Println(`
Starting stand-ins for what a cluster with Argo CD runs and this local control plane does not:
  Argo CD (stand-in): removes the resources finalizer of an Application being deleted, as Argo CD
    does once it has pruned; nothing is deployed here, so there is nothing to prune. It does not
    sync: the Applications' sync and health stay empty.
  namespace controller (stand-in): deletes the objects in a terminating Namespace, then
    finalizes it so that the API server removes it.`)
	ctx, cancel := context.WithCancel(context.Background())
	done, err := standin.Start(ctx, c.Config, standin.Options{Report: func(line string) {
		fmt.Printf("\n  %s\n", line)
	}})
	if err != nil {
		cancel()
		return nil, err
	}
	return func() error {
		cancel()
		return <-done
	}, nil
}
