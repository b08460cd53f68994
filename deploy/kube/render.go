// SPDX-License-Identifier: Apache-2.0

package kube

import (
	"bytes"
	"fmt"
	"maps"

	"sigs.k8s.io/yaml"
)

// Manifests returns the fleet's Kubernetes objects as one YAML stream,
// documents separated by "---", for kubectl apply -f:
//
//   - a ConfigMap NAME-flow with the flow's settings, which every node
//     reads into its environment (the Env constants);
//   - a Secret NAME-tls with the fleet's TLS files (Fleet.TLS), mounted
//     at TLSMount in every node (optionally: a Plaintext fleet's is
//     empty);
//   - with Fleet.PortEnv, a Secret NAME-ports holding it, which the
//     containers of the processes that serve external ports take their
//     environment from, after the ConfigMap;
//   - per location a headless Service NAME-LOC and a StatefulSet NAME-LOC
//     of one replica for a process and of the cluster's size for a
//     cluster.
//
// Members find each other through the Services' DNS: the member i of a
// cluster is the pod NAME-LOC-i, reached at
// NAME-LOC-i.NAME-LOC.NAMESPACE.svc.DOMAIN. The Services publish members
// that are not ready yet, so that a starting fleet connects at once, and
// the StatefulSets start their pods in parallel. Nothing in the fleet
// depends on the command that wrote it.
func Manifests(f Fleet) ([]byte, error) {
	objs, err := objects(f)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for i, o := range objs {
		y, err := yaml.Marshal(o.obj)
		if err != nil {
			return nil, fmt.Errorf("kube: writing %s %s: %w", o.Kind, o.Name, err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.Bytes(), nil
}

// Object names one object of a fleet.
type Object struct {
	Kind, Name string
	// Replicas is a StatefulSet's number of pods; 0 for other kinds.
	Replicas int
	obj      any
}

// Objects lists the objects Manifests writes, in the same order.
func Objects(f Fleet) ([]Object, error) { return objects(f) }

func objects(f Fleet) ([]Object, error) {
	f, err := f.fill()
	if err != nil {
		return nil, err
	}
	meta := func(name string, labels map[string]string) objectMeta {
		return objectMeta{Name: name, Namespace: f.Namespace, Labels: labels}
	}
	common := map[string]string{LabelName: f.Name, LabelManagedBy: "hydro"}
	var services, sizes, ports [][2]string
	for _, p := range f.Processes {
		services = append(services, [2]string{p, f.Name + "-" + Label(p)})
	}
	for _, c := range f.Clusters {
		services = append(services, [2]string{c.Name, f.Name + "-" + Label(c.Name)})
		sizes = append(sizes, [2]string{c.Name, itoa(c.Size)})
	}
	for i, p := range f.Ports {
		ports = append(ports, [2]string{p.Name, itoa(f.NodePort + 1 + i)})
	}
	cm := configMap{
		typeMeta: typeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		Metadata: meta(f.Name+"-flow", common),
		Data: map[string]string{
			EnvServices:  encodePairs(services),
			EnvSizes:     encodePairs(sizes),
			EnvPort:      itoa(f.NodePort),
			EnvPorts:     encodePairs(ports),
			EnvDomain:    f.Domain,
			EnvLogFormat: f.LogFormat,
		},
	}
	if f.Plaintext {
		cm.Data[EnvTLS] = "off"
	}
	maps.Copy(cm.Data, f.Env)
	sec := secret{typeMeta: typeMeta{APIVersion: "v1", Kind: "Secret"}, Metadata: meta(f.Name+"-tls", common), Type: "Opaque", Data: f.TLS}
	objs := []Object{{Kind: "ConfigMap", Name: cm.Metadata.Name, obj: cm}, {Kind: "Secret", Name: sec.Metadata.Name, obj: sec}}
	serves := map[string]bool{} // locations whose containers read the ports' Secret
	portSec := secret{typeMeta: typeMeta{APIVersion: "v1", Kind: "Secret"}, Metadata: meta(f.Name+"-ports", common), Type: "Opaque", Data: map[string][]byte{}}
	if len(f.PortEnv) > 0 {
		for k, v := range f.PortEnv {
			portSec.Data[k] = []byte(v)
		}
		for _, p := range f.Ports {
			serves[p.Location] = true
		}
		objs = append(objs, Object{Kind: "Secret", Name: portSec.Metadata.Name, obj: portSec})
	}
	place := func(loc string, replicas int) {
		name := f.Name + "-" + Label(loc)
		sel := map[string]string{LabelName: f.Name, LabelComponent: Label(loc)}
		labels := map[string]string{LabelName: f.Name, LabelComponent: Label(loc), LabelManagedBy: "hydro", LabelLocation: Label(loc)}
		svcPorts := []servicePort{{Name: PortName, Port: f.NodePort, TargetPort: f.NodePort, Protocol: "TCP"}}
		ctrPorts := []containerPort{{Name: PortName, ContainerPort: f.NodePort, Protocol: "TCP"}}
		for i, p := range f.Ports {
			if p.Location != loc {
				continue
			}
			n := f.NodePort + 1 + i
			svcPorts = append(svcPorts, servicePort{Name: portName(i), Port: n, TargetPort: n, Protocol: "TCP"})
			ctrPorts = append(ctrPorts, containerPort{Name: portName(i), ContainerPort: n, Protocol: "TCP"})
		}
		envFrom := []envFromSource{{ConfigMapRef: &localObjectReference{Name: cm.Metadata.Name}}}
		if serves[loc] {
			envFrom = append(envFrom, envFromSource{SecretRef: &localObjectReference{Name: portSec.Metadata.Name}})
		}
		svc := service{
			typeMeta: typeMeta{APIVersion: "v1", Kind: "Service"},
			Metadata: meta(name, labels),
			Spec:     serviceSpec{ClusterIP: "None", PublishNotReadyAddresses: true, Selector: sel, Ports: svcPorts},
		}
		ss := statefulSet{
			typeMeta: typeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
			Metadata: meta(name, labels),
			Spec: statefulSetSpec{
				ServiceName:         name,
				Replicas:            replicas,
				PodManagementPolicy: "Parallel",
				Selector:            labelSelector{MatchLabels: sel},
				Template: podTemplateSpec{
					Metadata: objectMeta{Labels: labels},
					Spec: podSpec{
						TerminationGracePeriodSeconds: 10,
						Containers: []container{{
							Name:            "node",
							Image:           f.Image,
							ImagePullPolicy: f.Pull,
							Env: []envVar{
								{Name: EnvPod, ValueFrom: &envVarSource{FieldRef: objectFieldSelector{FieldPath: "metadata.name"}}},
								{Name: EnvNamespace, ValueFrom: &envVarSource{FieldRef: objectFieldSelector{FieldPath: "metadata.namespace"}}},
								{Name: EnvLocation, Value: loc},
							},
							EnvFrom:      envFrom,
							Ports:        ctrPorts,
							VolumeMounts: []volumeMount{{Name: "tls", MountPath: TLSMount, ReadOnly: true}},
						}},
						Volumes: []volume{{Name: "tls", Secret: secretVolumeSource{SecretName: sec.Metadata.Name, Optional: true}}},
					},
				},
			},
		}
		objs = append(objs, Object{Kind: "Service", Name: name, obj: svc}, Object{Kind: "StatefulSet", Name: name, Replicas: replicas, obj: ss})
	}
	for _, p := range f.Processes {
		place(p, 1)
	}
	for _, c := range f.Clusters {
		place(c.Name, c.Size)
	}
	return objs, nil
}

// portName names the i-th external port in a container and a Service: at
// most 15 characters, so not the flow's name for it.
func portName(i int) string { return fmt.Sprintf("ext-%d", i) }
