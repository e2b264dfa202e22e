using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeAgent.Mqtt.Connection;

/// <summary>Turns <see cref="MqttOptions"/> into MQTTnet's client options: MQTT 5, persistent session, optional TLS.</summary>
internal static class ClientOptions
{
    public static MqttClientOptions Build(MqttOptions options, string clientId)
    {
        var endpoint = options.Endpoint;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (endpoint.Tls)
        {
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (!string.IsNullOrEmpty(options.CaFile))
                {
                    var chain = new X509Certificate2Collection();
                    chain.ImportFromPemFile(options.CaFile);
                    tls.WithTrustChain(chain);
                }

                if (!string.IsNullOrEmpty(options.ClientCertFile) && !string.IsNullOrEmpty(options.ClientKeyFile))
                {
                    using var pem = X509Certificate2.CreateFromPemFile(options.ClientCertFile, options.ClientKeyFile);
                    // SslStream on Linux needs the key in a store-backed form, not the ephemeral PEM one.
                    var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
                    tls.WithClientCertificates([certificate]);
                }
            });
        }

        return builder.Build();
    }
}
