using System.Runtime.InteropServices;
using System.Text;
using Ptvsd.Attach.CommandLine;

// Ctrl+C (and SIGTERM from a service manager) ask for a clean stop: sessions are closed and the exit code is 0.
// A second Ctrl+C while stopping ends the process at once.
using var stopping = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

if (OperatingSystem.IsWindows())
{
    // The probe's ✓ and ✗ need UTF-8; Windows consoles default to an OEM code page.
    Console.OutputEncoding = Encoding.UTF8;
}

return await Cli.RunAsync(args, Console.Out, Console.Error, stopping.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = !stopping.IsCancellationRequested;
    stopping.Cancel();
}
