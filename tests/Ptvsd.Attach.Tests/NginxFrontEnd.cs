using System.Globalization;
using System.Net;

namespace Ptvsd.Attach.Tests;

/// <summary>
/// Debian's nginx as its own process, as a reverse proxy in front of a site, passing WebSocket upgrades on the way its
/// documentation shows, and logging every request in the default (combined) access log format: the front end whose
/// logs a debug secret must never end up in.
/// </summary>
internal sealed class NginxFrontEnd : IAsyncDisposable
{
    private readonly string _folder;

    private NginxFrontEnd(ManagedProcess process, string folder, int port)
    {
        Process = process;
        _folder = folder;
        Port = port;
    }

    public ManagedProcess Process { get; }

    public int Port { get; }

    public string Authority => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public string AccessLogPath => Path.Combine(_folder, "access.log");

    public string ErrorLogPath => Path.Combine(_folder, "error.log");

    /// <summary>
    /// The nginx executable: on PATH, or where Debian installs it (/usr/sbin, which a non-root PATH often lacks).
    /// Missing, it fails the test that needs it rather than skipping it, since a skipped test looks like a pass.
    /// </summary>
    public static string FindExecutable() =>
        ExecutableSearch.Find("nginx")
            ?? throw new InvalidOperationException(
                "nginx is not installed (looked on PATH and at /usr/sbin/nginx): install it with `apt-get install nginx`; ./build.sh test installs it when run as root.");

    /// <summary>Starts nginx on a free loopback port, forwarding everything to <paramref name="upstream"/>; returns once it listens.</summary>
    public static async Task<NginxFrontEnd> StartAsync(Uri upstream, ITestOutputHelper output, CancellationToken ct)
    {
        var nginx = FindExecutable();
        var folder = Directory.CreateTempSubdirectory("ptvsd-nginx-").FullName;
        var port = FreePort.Get();
        var configuration = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(configuration, Configuration(folder, port, upstream), ct);

        // -e: the error log before the configuration is read, which otherwise goes to /var/log/nginx.
        var start = new ManagedProcessStartInfo(nginx, "-p", folder + "/", "-c", configuration, "-e", Path.Combine(folder, "error.log"), "-g", "daemon off;")
        {
            Name = "nginx",
            Output = output.WriteLine,
        };
        var process = ManagedProcess.Start(start);
        try
        {
            await process.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, port), TimeSpan.FromSeconds(30), ct);
            return new NginxFrontEnd(process, folder, port);
        }
        catch
        {
            await process.DisposeAsync();
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Stops nginx as its service would (SIGTERM) and waits for it to exit, so its logs are complete.</summary>
    public Task<int> StopAsync(CancellationToken ct) => Process.TerminateAsync(TimeSpan.FromSeconds(30), ct);

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static string Configuration(string folder, int port, Uri upstream) => $$"""
        # The master runs as this test does; as root it would hand its workers to 'nobody', who cannot write to the
        # test's private temporary folder, so they stay root there.
        {{(Environment.IsPrivilegedProcess ? "user root;" : "")}}
        worker_processes 1;
        pid {{folder}}/nginx.pid;
        error_log {{folder}}/error.log info;

        events {
            worker_connections 64;
        }

        http {
            # No format name: nginx's default, combined, which logs the Basic user name as $remote_user.
            access_log {{folder}}/access.log;

            client_body_temp_path {{folder}}/client_body;
            proxy_temp_path {{folder}}/proxy;
            fastcgi_temp_path {{folder}}/fastcgi;
            uwsgi_temp_path {{folder}}/uwsgi;
            scgi_temp_path {{folder}}/scgi;

            map $http_upgrade $connection_upgrade {
                default upgrade;
                '' close;
            }

            server {
                listen 127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}};

                location / {
                    proxy_pass {{upstream.GetLeftPart(UriPartial.Authority)}};
                    proxy_http_version 1.1;
                    proxy_set_header Host $http_host;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection $connection_upgrade;
                    proxy_read_timeout 1h;
                }
            }
        }
        """;
}
