using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

public sealed class AppWebSocketForwardingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_apps_own_WebSockets_pass_through_with_message_types_subprotocol_and_close()
    {
        var ct = TestTimeouts.Default();
        await using var app = await StartWebSocketEchoAppAsync();
        var appUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.AppUrl = new Uri(appUrl));

        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("chat.v1");
        client.Options.SetRequestHeader("Cookie", "session=abc");
        await client.ConnectAsync(new UriBuilder(proxy.BaseUri) { Scheme = "ws", Path = "/chat" }.Uri, ct);

        await client.SendAsync(Encoding.UTF8.GetBytes("héllo"), WebSocketMessageType.Text, true, ct);
        var buffer = new byte[256];
        var text = await client.ReceiveAsync(buffer, ct);
        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, ct);
        var binary = await client.ReceiveAsync(buffer, ct);

        Assert.Equal("chat.v1", client.SubProtocol);
        Assert.Equal(WebSocketMessageType.Text, text.MessageType);
        Assert.Equal(WebSocketMessageType.Binary, binary.MessageType);
        Assert.Equal(3, binary.Count);

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
        Assert.Equal(WebSocketState.Closed, client.State);
    }

    /// <summary>A stand-in app whose /chat WebSocket echoes each message, prefixed with the cookie it was sent.</summary>
    private static async Task<WebApplication> StartWebSocketEchoAppAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/chat", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest || context.Request.Cookies["session"] != "abc")
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync("chat.v1");
            var buffer = new byte[256];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
            }
        });
        await app.StartAsync();
        return app;
    }
}
