using System.Globalization;

namespace InfoField.Training;

/// <summary>How the learning rate changes over a run.</summary>
public enum LearningRateSchedule
{
    /// <summary>The paper's recipe: divided by 10 after 150 and 250 of 350 epochs, the milestones scaled to the run's length.</summary>
    Paper,

    /// <summary>Cosine annealing from the initial rate to zero over the run.</summary>
    Cosine,
}

/// <summary>
/// Everything about a training run that determines its numbers besides the network and the data: the paper's recipe
/// by default (SGD with momentum 0.9 and weight decay 5e-4, learning rate 0.1 decayed 10x after 150 and 250 of 350
/// epochs, batch 128).
/// </summary>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="LearningRate">The initial learning rate.</param>
/// <param name="Schedule">How the learning rate decays.</param>
/// <param name="Seed">Seeds initialization, shuffling, augmentation and dropout.</param>
/// <param name="Momentum">SGD momentum.</param>
/// <param name="WeightDecay">SGD weight decay (L2), applied to every parameter as PyTorch's SGD does.</param>
/// <param name="Augment">Random crop with 4-pixel padding and horizontal flip on training batches.</param>
public sealed record TrainingSettings(
    int Epochs = 350,
    int BatchSize = 128,
    double LearningRate = 0.1,
    LearningRateSchedule Schedule = LearningRateSchedule.Paper,
    long Seed = 1,
    double Momentum = 0.9,
    double WeightDecay = 5e-4,
    bool Augment = true)
{
    /// <summary>The paper's milestones, as fractions of the run: 150/350 and 250/350.</summary>
    public static IReadOnlyList<double> PaperMilestones { get; } = [150.0 / 350.0, 250.0 / 350.0];

    /// <summary>The largest initial learning rate accepted (SGD diverges long before it).</summary>
    public const double MaxLearningRate = 100;

    /// <summary>Checks every setting; the error names the setting and the expected range.</summary>
    public TrainingSettings Validated()
    {
        Require(Epochs >= 1, "epochs", "a positive number of epochs", Epochs);
        Require(BatchSize >= 2, "batchSize", "at least 2 (batch norm needs two samples)", BatchSize);
        Require(LearningRate > 0 && LearningRate <= MaxLearningRate, "lr", "a positive learning rate of at most 100", LearningRate);
        Require(Momentum >= 0 && Momentum < 1, "momentum", "a value in [0, 1)", Momentum);
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), "weightDecay", "a non-negative value", WeightDecay);
        return this;
    }

    /// <summary>
    /// The learning rate at <paramref name="position"/>, measured in epochs from the start (epoch 2, half-way through
    /// its batches, is 1.5). The schedule is applied per step, so a 1-epoch run passes all three phases of the paper's
    /// recipe; at 350 epochs the milestones fall exactly on epochs 150 and 250, as in the paper.
    /// </summary>
    public double LearningRateAt(double position)
    {
        double progress = Math.Clamp(position / Epochs, 0, 1);
        return Schedule switch
        {
            LearningRateSchedule.Paper => LearningRate * Math.Pow(0.1, PaperMilestones.Count(m => position >= m * Epochs)),
            LearningRateSchedule.Cosine => LearningRate * 0.5 * (1 + Math.Cos(Math.PI * progress)),
            _ => throw new ArgumentOutOfRangeException(nameof(position), Schedule, "unknown schedule"),
        };
    }

    /// <summary>The schedule's name on the command line: <c>paper</c> or <c>cosine</c>.</summary>
    public string ScheduleName => ScheduleNameOf(Schedule);

    /// <summary>The command-line name of <paramref name="schedule"/>.</summary>
    public static string ScheduleNameOf(LearningRateSchedule schedule) => schedule.ToString().ToLowerInvariant();

    /// <summary>Parses <c>paper</c> or <c>cosine</c>; throws naming the option.</summary>
    public static LearningRateSchedule ParseSchedule(string text) => text.ToLowerInvariant() switch
    {
        "paper" => LearningRateSchedule.Paper,
        "cosine" => LearningRateSchedule.Cosine,
        _ => throw new ParameterException("schedule", $"'{text}'", "expected paper or cosine"),
    };

    private static void Require(bool condition, string option, string expected, IFormattable value)
    {
        if (!condition)
        {
            throw new ParameterException(option, null, $"expected {expected} (got {value.ToString(null, CultureInfo.InvariantCulture)})");
        }
    }
}
