using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>
/// nginx as the reference reverse proxy, in front of the same app: its own process (<c>daemon off</c>), configured
/// in a folder of ours with every path it writes (pid, error log, buffers) inside it. Forwards over HTTP/1.1 to a
/// keep-alive upstream, with the X-Forwarded-* headers the proxy sends too, and without an access log, which the
/// proxy does not keep either.
/// </summary>
internal sealed class NginxProxy : IAsyncDisposable
{
    public const string WorkerProcesses = "auto";
    public const int UpstreamKeepAlive = 32;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ManagedProcess _process;

    private NginxProxy(ManagedProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>Where nginx listens.</summary>
    public Uri Url { get; }

    /// <summary>nginx's master; its workers are children.</summary>
    public int ProcessId => _process.Id;

    /// <summary>As <c>nginx -v</c> reports it, e.g. <c>nginx/1.22.1</c>.</summary>
    public static async Task<string> VersionAsync(string executable, CancellationToken cancellationToken)
    {
        await using var nginx = ManagedProcess.Start(new ManagedProcessStartInfo(executable, "-v") { Name = "nginx" });
        await nginx.WaitForExitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        const string Prefix = "nginx version: ";
        return nginx.Output.FirstOrDefault(line => line.StartsWith(Prefix, StringComparison.Ordinal)) is { } line ? line[Prefix.Length..] : "nginx (version unknown)";
    }

    /// <summary>Writes a configuration under <paramref name="folder"/> and starts nginx forwarding to <paramref name="app"/>.</summary>
    public static async Task<NginxProxy> StartAsync(string executable, Uri app, string folder, CancellationToken cancellationToken)
    {
        var prefix = Directory.CreateDirectory(Path.Combine(folder, "nginx")).FullName;
        var endPoint = FreePort.GetEndPoint();
        var configuration = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(configuration, Configuration(prefix, endPoint.Port, app), cancellationToken);

        // -e: the error log nginx opens before it reads the configuration; the compiled-in one is /var/log/nginx's.
        var start = new ManagedProcessStartInfo(
            executable, "-p", prefix + "/", "-c", configuration, "-e", Path.Combine(prefix, "error.log"), "-g", "daemon off;")
        {
            Name = "nginx",
        };

        var process = await ManagedProcess.StartListeningAsync(start, endPoint, StartTimeout, cancellationToken);

        return new NginxProxy(process, new Uri($"http://{endPoint}/"));
    }

    /// <summary>Kills nginx's master and workers.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string Configuration(string prefix, int port, Uri app)
    {
        // A master started by root runs its workers as nobody, who cannot enter our folder (created 0700), where
        // their buffer files go; started by anyone else, nginx ignores the directive with a warning, so it is left out.
        var user = Environment.IsPrivilegedProcess ? "user root;" : "";
        return $$"""
            {{user}}
            worker_processes {{WorkerProcesses}};
            pid "{{prefix}}/nginx.pid";
            error_log "{{prefix}}/error.log" warn;

            events {
                worker_connections 1024;
            }

            http {
                access_log off;
                client_body_temp_path "{{prefix}}/client_body";
                proxy_temp_path "{{prefix}}/proxy";
                fastcgi_temp_path "{{prefix}}/fastcgi";
                uwsgi_temp_path "{{prefix}}/uwsgi";
                scgi_temp_path "{{prefix}}/scgi";

                upstream app {
                    server {{app.Authority}};
                    keepalive {{UpstreamKeepAlive}};
                }

                server {
                    listen 127.0.0.1:{{port}};

                    location / {
                        proxy_pass http://app;
                        # HTTP/1.1 with no Connection header, or nginx closes each upstream connection after one request.
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_set_header X-Forwarded-Host $http_host;
                    }
                }
            }
            """;
    }
}
