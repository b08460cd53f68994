// SPDX-License-Identifier: Apache-2.0

package kube

// The Kubernetes objects the manifests hold, as the few fields of the API's
// types that they set, with the API's JSON names. Tests decode every object
// written strictly into k8s.io/api's types, so a misspelt field fails them.

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

type objectMeta struct {
	Name      string            `json:"name,omitempty"`
	Namespace string            `json:"namespace,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
}

type configMap struct {
	typeMeta
	Metadata objectMeta        `json:"metadata"`
	Data     map[string]string `json:"data"`
}

type secret struct {
	typeMeta
	Metadata objectMeta `json:"metadata"`
	Type     string     `json:"type"`
	// Data is written base64-encoded, as the API wants it.
	Data map[string][]byte `json:"data,omitempty"`
}

type service struct {
	typeMeta
	Metadata objectMeta  `json:"metadata"`
	Spec     serviceSpec `json:"spec"`
}

type serviceSpec struct {
	ClusterIP                string            `json:"clusterIP"`
	PublishNotReadyAddresses bool              `json:"publishNotReadyAddresses"`
	Selector                 map[string]string `json:"selector"`
	Ports                    []servicePort     `json:"ports"`
}

type servicePort struct {
	Name       string `json:"name"`
	Port       int    `json:"port"`
	TargetPort int    `json:"targetPort"`
	Protocol   string `json:"protocol"`
}

type statefulSet struct {
	typeMeta
	Metadata objectMeta      `json:"metadata"`
	Spec     statefulSetSpec `json:"spec"`
}

type statefulSetSpec struct {
	ServiceName         string          `json:"serviceName"`
	Replicas            int             `json:"replicas"`
	PodManagementPolicy string          `json:"podManagementPolicy"`
	Selector            labelSelector   `json:"selector"`
	Template            podTemplateSpec `json:"template"`
}

type labelSelector struct {
	MatchLabels map[string]string `json:"matchLabels"`
}

type podTemplateSpec struct {
	Metadata objectMeta `json:"metadata"`
	Spec     podSpec    `json:"spec"`
}

type podSpec struct {
	TerminationGracePeriodSeconds int         `json:"terminationGracePeriodSeconds"`
	Containers                    []container `json:"containers"`
	Volumes                       []volume    `json:"volumes"`
}

type container struct {
	Name            string          `json:"name"`
	Image           string          `json:"image"`
	ImagePullPolicy string          `json:"imagePullPolicy"`
	Args            []string        `json:"args,omitempty"`
	Env             []envVar        `json:"env"`
	EnvFrom         []envFromSource `json:"envFrom"`
	Ports           []containerPort `json:"ports"`
	VolumeMounts    []volumeMount   `json:"volumeMounts"`
}

type envVar struct {
	Name      string        `json:"name"`
	Value     string        `json:"value,omitempty"`
	ValueFrom *envVarSource `json:"valueFrom,omitempty"`
}

type envVarSource struct {
	FieldRef objectFieldSelector `json:"fieldRef"`
}

type objectFieldSelector struct {
	FieldPath string `json:"fieldPath"`
}

// envFromSource names a ConfigMap or a Secret, one of the two.
type envFromSource struct {
	ConfigMapRef *localObjectReference `json:"configMapRef,omitempty"`
	SecretRef    *localObjectReference `json:"secretRef,omitempty"`
}

type localObjectReference struct {
	Name string `json:"name"`
}

type containerPort struct {
	Name          string `json:"name"`
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
}

type volumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly"`
}

type volume struct {
	Name   string             `json:"name"`
	Secret secretVolumeSource `json:"secret"`
}

type secretVolumeSource struct {
	SecretName string `json:"secretName"`
	Optional   bool   `json:"optional"`
}
