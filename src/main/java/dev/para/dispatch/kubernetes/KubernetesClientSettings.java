package dev.para.dispatch.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;

/**
 * Applies {@code para.kubernetes.client.*} to the Kubernetes client as it is made at start, so that
 * one packaged service (or native executable) can be pointed at any cluster with run-time settings.
 */
@Singleton
public class KubernetesClientSettings implements KubernetesConfigCustomizer {

    private final KubernetesConfig config;

    KubernetesClientSettings(KubernetesConfig config) {
        this.config = config;
    }

    @Override
    public void customize(Config client) {
        KubernetesConfig.Client settings = config.client();
        settings.apiServerUrl().ifPresent(client::setMasterUrl);
        settings.namespace().ifPresent(client::setNamespace);
        settings.trustCertificates().ifPresent(client::setTrustCerts);
        settings.caCertFile().ifPresent(client::setCaCertFile);
    }
}
