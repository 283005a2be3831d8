namespace Ptvsd.Build.Tasks.Tests;

/// <summary>How the app's own command is carried behind the proxy.</summary>
public sealed class ProxyLaunchTests
{
    [Theory]
    [InlineData("python", "app.py", "python app.py")]
    [InlineData("  python ", "  app.py  ", "python app.py")]
    [InlineData("python", "", "python")]
    [InlineData(@"D:\home\python311x64\python.exe", "app.py", @"D:\home\python311x64\python.exe app.py")]
    [InlineData(@"C:\Program Files\Python311\python.exe", "app.py", @"""C:\Program Files\Python311\python.exe"" app.py")]
    [InlineData(@"""C:\Program Files\Python311\python.exe""", "app.py", @"""C:\Program Files\Python311\python.exe"" app.py")]
    [InlineData("python", "-m flask run --port %HTTP_PLATFORM_PORT%", "python -m flask run --port {port}")]
    [InlineData("python", "-m flask run --port %http_platform_port% --host 127.0.0.1", "python -m flask run --port {port} --host 127.0.0.1")]
    [InlineData("dotnet", @"ptvsd\Ptvsd.WebSocketProxy.dll -- python app.py", "python app.py")]
    [InlineData("dotnet", @"ptvsd\ptvsd.websocketproxy.dll -- gunicorn --bind 127.0.0.1:%HTTP_PLATFORM_PORT% app:app", "gunicorn --bind 127.0.0.1:{port} app:app")]
    public void The_app_command_comes_from_processPath_and_arguments(string processPath, string arguments, string expected)
    {
        Assert.Equal(expected, ProxyLaunch.AppCommandFromHttpPlatform(processPath, arguments));
    }

    [Fact]
    public void Wrapping_and_unwrapping_an_app_command_gives_it_back()
    {
        const string appCommand = "python -m waitress --port={port} app:app";

        var arguments = ProxyLaunch.IisArguments(appCommand);

        Assert.Equal(@"ptvsd\Ptvsd.WebSocketProxy.dll -- " + appCommand, arguments);
        Assert.Equal(appCommand, ProxyLaunch.FindAppCommandBehindProxy(arguments));
    }

    [Theory]
    [InlineData("app.py")]
    [InlineData("-m flask run")]
    [InlineData("")]
    public void Arguments_that_do_not_start_the_proxy_have_no_app_command_behind_it(string arguments)
    {
        Assert.Null(ProxyLaunch.FindAppCommandBehindProxy(arguments));
    }

    [Theory]
    [InlineData(@"D:\home\python311x64\python.exe app.py", "python app.py")]
    [InlineData(@"""C:\Program Files\Python311\python.exe"" -m flask run --port {port}", "python -m flask run --port {port}")]
    [InlineData("python.exe app.py", "python app.py")]
    [InlineData(@"D:\home\python311x64\python.exe", "python")]
    [InlineData("python app.py", "python app.py")]
    [InlineData("python3 -m gunicorn --bind 0.0.0.0:{port} app:app", "python3 -m gunicorn --bind 0.0.0.0:{port} app:app")]
    [InlineData("gunicorn app:app", "gunicorn app:app")]
    public void A_linux_host_gets_python_for_a_windows_interpreter_path_and_other_commands_unchanged(string appCommand, string expected)
    {
        Assert.Equal(expected, ProxyLaunch.LinuxAppCommand(appCommand));
    }
}
