using System.Diagnostics;
using System.Globalization;
using InfoField.Reporting;
using InfoField.Torch.Training;

namespace InfoField.Cli;

/// <summary>
/// Shows a run's progress on standard error, like tqdm: on a terminal, one line redrawn in place (bar, loss, accuracy,
/// images/s, learning rate, time left) and a summary line per epoch; when standard error is redirected (logs, CI),
/// only the summary lines, so log files stay short.
/// </summary>
internal sealed class ProgressView(TextWriter error, bool interactive, string? prefix = null) : ITrainingMonitor
{
    private readonly string _prefix = Printable.Text(prefix);
    private const int BarWidth = 24;
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(200);
    private readonly Stopwatch _sinceRedraw = Stopwatch.StartNew();
    private readonly Stopwatch _runClock = new();
    private int _stepsDone;
    private int _totalSteps;
    private int _lineLength;

    /// <summary>A view on the process's standard error, interactive when it is a terminal.</summary>
    public static ProgressView For(CliConsole console, string? prefix = null) =>
        new(console.Error, ReferenceEquals(console.Error, Console.Error) && !Console.IsErrorRedirected, prefix);

    public void Started(string runId, int firstEpoch, int epochs, int batchesPerEpoch, string message)
    {
        _totalSteps = (epochs - firstEpoch + 1) * batchesPerEpoch;
        _stepsDone = 0;
        _runClock.Restart();
        WriteLine(message);
    }

    public void Step(StepProgress p)
    {
        _stepsDone++;
        if (!interactive || (_sinceRedraw.Elapsed < RedrawInterval && p.Batch != p.Batches))
        {
            return;
        }

        _sinceRedraw.Restart();
        int filled = (int)Math.Round(BarWidth * (double)p.Batch / p.Batches);
        double perStep = _runClock.Elapsed.TotalSeconds / Math.Max(1, _stepsDone);
        string left = Duration(perStep * (_totalSteps - _stepsDone));
        string line = string.Create(CultureInfo.InvariantCulture, $"{_prefix}epoch {p.Epoch}/{p.Epochs} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {p.Batch}/{p.Batches} loss {p.Loss:0.0000} acc {p.Accuracy * 100:0.00}% {p.ImagesPerSecond:N0} img/s lr {p.LearningRate:G3} left {left}");
        error.Write("\r" + line.PadRight(_lineLength));
        _lineLength = line.Length;
        error.Flush();
    }

    public void EpochFinished(EpochRecord r, int epochs)
    {
        WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {r.Epoch}/{epochs}: train loss {r.TrainLoss:0.0000} acc {r.TrainAccuracy * 100:0.00}% | test loss {r.TestLoss:0.0000} acc {r.TestAccuracy * 100:0.00}% | {r.ImagesPerSecond:N0} img/s | lr {r.LearningRate:G3} | {r.Seconds:0.0} s"));
    }

    public void WriteLine(string text)
    {
        if (interactive && _lineLength > 0)
        {
            error.Write("\r" + new string(' ', _lineLength) + "\r");
            _lineLength = 0;
        }

        error.WriteLine(_prefix + Printable.Text(text));
        error.Flush();
    }

    private static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}" : $"{span.Minutes}:{span.Seconds:00}";
    }
}
