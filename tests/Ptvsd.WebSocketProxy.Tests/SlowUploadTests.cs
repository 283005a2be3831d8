using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// gunicorn's sync workers read a request body in the worker, one request per worker, and the proxy lifts their
/// timeout so a breakpoint can hold a request. A client that trickles its upload would then hold a worker for good;
/// the proxy has to cut such an upload itself (Kestrel's minimum request body data rate) so the worker is freed.
/// </summary>
[Trait(TestCategories.Category, TestCategories.Slow)]
public sealed class SlowUploadTests(ITestOutputHelper output)
{
    private const int Workers = 2;
    private const int DeclaredLength = 1000;
    private static readonly TimeSpan TrickleInterval = TimeSpan.FromSeconds(5);

    // A WSGI app that reads the whole body of every POST, as a form or JSON handler does.
    private const string App = """
        def app(environ, start_response):
            if environ["REQUEST_METHOD"] == "POST":
                body = environ["wsgi.input"].read()
                reply = b"read %d bytes\n" % len(body)
            else:
                reply = b"hello\n"
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(reply)))])
            return [reply]
        """;

    [Fact]
    public async Task Uploads_that_trickle_are_cut_so_they_cannot_hold_every_gunicorn_worker()
    {
        var ct = TestTimeouts.Default(120);
        var python = await RequireGunicornAsync(ct);
        var site = Directory.CreateTempSubdirectory("ptvsd-gunicorn-site-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(site, "app.py"), App, ct);
            await using var proxy = await RunningProxy.StartAsync(output, options =>
            {
                options.ContentRoot = site;
                options.AppCommand = [python.Path, "-m", "gunicorn", "--workers", $"{Workers}", "--bind", "127.0.0.1:{port}", "app:app"];
                options.DebugServer = RunningProxy.Loopback(FreePort.Get());
            });
            await ProxiedApp.WaitUntilServingAsync(proxy.BaseUri, ct);

            using var stopTrickling = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var uploads = new List<SlowUpload>();
            try
            {
                // One per worker. A sync worker blocks on its connection from the moment it accepts it, whether the proxy has
                // passed on the request head yet or holds it until the body is complete: once the proxy has a connection
                // to gunicorn for each upload, both workers are taken, and only then is the GET sent.
                var gunicorn = new IPEndPoint(IPAddress.Loopback, await GunicornPortAsync(proxy, ct));
                for (var i = 0; i < Workers; i++)
                {
                    uploads.Add(await SlowUpload.StartAsync(proxy.BaseUri, stopTrickling.Token));
                }

                await Poll.UntilAsync(
                    () => IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpConnections()
                        .Count(c => c.State == TcpState.Established && Unmapped(c.RemoteEndPoint).Equals(gunicorn)) >= Workers,
                    TimeSpan.FromSeconds(30), ct, $"The proxy holding a connection to gunicorn ({gunicorn}) for each slow upload");

                using var http = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = Timeout.InfiniteTimeSpan };
                var get = http.GetAsync("/", ct);
                var answered = await Task.WhenAny(get, Task.Delay(TimeSpan.FromSeconds(60), ct)) == get;
                Assert.True(answered, $"GET / got no answer within 60 s while {Workers} uploads trickling one byte every {TrickleInterval.TotalSeconds:0} s held every gunicorn worker");
                using (var response = await get)
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Equal("hello\n", await response.Content.ReadAsStringAsync(ct));
                }

                // Cut by the proxy, not finished: at one byte every few seconds the clients are still far from done.
                foreach (var upload in uploads)
                {
                    var closed = await Task.WhenAny(upload.Closed, Task.Delay(TimeSpan.FromSeconds(30), ct)) == upload.Closed;
                    Assert.True(closed, $"the proxy kept a slow upload open ({upload.BytesSent} of {DeclaredLength} body bytes sent so far)");
                    output.WriteLine($"slow upload closed by the proxy after {upload.BytesSent} of {DeclaredLength} body bytes: {upload.Response}");
                }
            }
            finally
            {
                await stopTrickling.CancelAsync();
                foreach (var upload in uploads)
                {
                    await upload.DisposeAsync();
                }
            }
        }
        finally
        {
            Directory.Delete(site, recursive: true);
        }
    }

    /// <summary>The proxy's client sockets are dual-mode, so the kernel table lists their peers as ::ffff:127.0.0.1.</summary>
    private static IPEndPoint Unmapped(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <summary>
    /// The port gunicorn was told to bind: the proxy fills in <c>{port}</c>, so it is read back from the command line of
    /// the app process, whose pid the proxy's authenticated status gives.
    /// </summary>
    private static async Task<int> GunicornPortAsync(RunningProxy proxy, CancellationToken ct)
    {
        var pid = (int)(await proxy.GetStatusAsync(ct))["app"]!["pid"]!;
        var arguments = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline", ct)).Split('\0');
        var bind = arguments[Array.IndexOf(arguments, "--bind") + 1];
        return int.Parse(bind[(bind.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The interpreter that has debugpy and flask, which must also have gunicorn (Debian's python3-gunicorn).</summary>
    private async Task<PythonEnvironment> RequireGunicornAsync(CancellationToken ct)
    {
        var python = PythonEnvironment.Require();
        var start = python.CreateStartInfo("-c", "import gunicorn");
        start.Output = output.WriteLine;
        await using var check = ManagedProcess.Start(start);
        return await check.WaitForExitAsync(TimeSpan.FromSeconds(30), ct) == 0
            ? python
            : throw new InvalidOperationException(
                $"{python.Path} cannot import gunicorn ({check.OutputTail(3)}); install it: apt-get install gunicorn (./build.sh test does when run as root).");
    }

    /// <summary>A POST that declares a 1000-byte body and sends one byte of it every few seconds until it is cut.</summary>
    private sealed class SlowUpload : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly TaskCompletionSource _closedByProxy = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _reading;
        private readonly Task _trickling;
        private readonly StringBuilder _response = new();
        private int _bytesSent;

        private SlowUpload(Socket socket, CancellationToken ct)
        {
            _socket = socket;
            _reading = ReadUntilClosedAsync(ct);
            _trickling = TrickleAsync(ct);
        }

        /// <summary>Completes when the proxy closes the connection (after a response or without one, or with a reset).</summary>
        public Task Closed => _closedByProxy.Task;

        public int BytesSent => Volatile.Read(ref _bytesSent);

        /// <summary>Whatever the proxy answered before it closed the connection.</summary>
        public string Response => _response.ToString();

        public static async Task<SlowUpload> StartAsync(Uri baseUri, CancellationToken ct)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(baseUri.Host, baseUri.Port, ct);
            var head = $"POST /upload HTTP/1.1\r\nHost: {baseUri.Authority}\r\nContent-Type: application/octet-stream\r\nContent-Length: {DeclaredLength}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), ct);
            return new SlowUpload(socket, ct);
        }

        /// <summary>Waits for both loops, which end once the token given to <see cref="StartAsync"/> is cancelled, and closes the socket.</summary>
        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(_reading, _trickling);
            _socket.Dispose();
        }

        private async Task TrickleAsync(CancellationToken ct)
        {
            // Bounded by the declared length and by the test: at most 1000 bytes, one every few seconds.
            try
            {
                while (BytesSent < DeclaredLength && !Closed.IsCompleted)
                {
                    await _socket.SendAsync("x"u8.ToArray(), ct);
                    Interlocked.Increment(ref _bytesSent);
                    await Task.WhenAny(Closed, Task.Delay(TrickleInterval, ct));
                    ct.ThrowIfCancellationRequested();
                }
            }
            catch (SocketException)
            {
                // The proxy reset the connection under a send; the read loop reports the close.
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The test is done with this upload.
            }
        }

        private async Task ReadUntilClosedAsync(CancellationToken ct)
        {
            var buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await _socket.ReceiveAsync(buffer, ct)) > 0)
                {
                    _response.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
            }
            catch (SocketException ex)
            {
                _response.Append($"(connection reset: {ex.SocketErrorCode})");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The test is done with this upload, and the proxy never closed it.
                return;
            }

            _closedByProxy.TrySetResult();
        }
    }
}
