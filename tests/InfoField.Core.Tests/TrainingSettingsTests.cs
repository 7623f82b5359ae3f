using InfoField.Training;

namespace InfoField.Core.Tests;

public class TrainingSettingsTests
{
    [Theory]
    [InlineData(0.0, 0.1)]
    [InlineData(149.999, 0.1)]
    [InlineData(150.0, 0.01)]
    [InlineData(249.5, 0.01)]
    [InlineData(250.0, 0.001)]
    [InlineData(349.99, 0.001)]
    public void The_paper_schedule_decays_10x_at_epochs_150_and_250_of_350(double position, double expected)
    {
        var settings = new TrainingSettings();

        Assert.Equal(expected, settings.LearningRateAt(position), 12);
    }

    [Theory]
    [InlineData(0.0, 0.1)]
    [InlineData(0.42, 0.1)]
    [InlineData(0.43, 0.01)]
    [InlineData(0.71, 0.01)]
    [InlineData(0.72, 0.001)]
    public void Its_milestones_scale_with_the_number_of_epochs_and_apply_per_step(double position, double expected)
    {
        var settings = new TrainingSettings(Epochs: 1);

        Assert.Equal(expected, settings.LearningRateAt(position), 12);
    }

    [Fact]
    public void The_cosine_schedule_falls_from_the_initial_rate_to_zero()
    {
        var settings = new TrainingSettings(Epochs: 10, LearningRate: 0.2, Schedule: LearningRateSchedule.Cosine);

        Assert.Equal(0.2, settings.LearningRateAt(0), 12);
        Assert.Equal(0.1, settings.LearningRateAt(5), 12);
        Assert.Equal(0.0, settings.LearningRateAt(10), 12);
        Assert.True(settings.LearningRateAt(2) > settings.LearningRateAt(3));
    }

    [Theory]
    [InlineData(0, 128, 0.1, "epochs")]
    [InlineData(1, 1, 0.1, "batchSize")]
    [InlineData(1, 128, 0.0, "lr")]
    [InlineData(1, 128, double.NaN, "lr")]
    [InlineData(1, 128, 1e308, "lr")]
    public void Bad_values_are_reported_by_parameter(int epochs, int batch, double lr, string parameter)
    {
        var error = Assert.Throws<ParameterException>(() => new TrainingSettings(epochs, batch, lr).Validated());

        Assert.Equal(parameter, error.Parameter);
        Assert.StartsWith(parameter + ": ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedules_parse_by_name()
    {
        Assert.Equal(LearningRateSchedule.Cosine, TrainingSettings.ParseSchedule("Cosine"));
        Assert.Equal("paper", new TrainingSettings().ScheduleName);
        Assert.Contains("schedule 'step'", Assert.Throws<ParameterException>(() => TrainingSettings.ParseSchedule("step")).Message, StringComparison.Ordinal);
    }
}
