using InfoField.Field;
using InfoField.Files;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Web.Model;

namespace InfoField.Web.Tests;

/// <summary>The page's model without a browser: what it computes equals what the command line computes.</summary>
public sealed class PageModelTests
{
    public static TheoryData<string> Fixtures() => [.. Repository.OnnxFixtures.Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task A_fixture_read_as_the_page_reads_it_gives_analyzes_document(string name)
    {
        string path = Path.Combine(Repository.Root, "tests", "fixtures", "onnx", name);
        byte[] bytes = File.ReadAllBytes(path);

        LoadedNetwork page = await ModelFiles.ReadAsync(name, bytes.Length, _ => new MemoryStream(bytes));
        ModelReport report = ModelReport.Build(page, PageSettings.Default);

        Assert.Equal(Expected.AnalysisJson(Expected.Onnx(path)), DocumentJson.Serialize(report.Analysis));
        Assert.Equal($"infofield analyze {name} --json", report.AnalyzeCommand);
    }

    [Fact]
    public async Task A_file_over_its_limit_is_refused_before_it_is_read_and_a_lying_size_is_caught_at_the_limit()
    {
        var oversized = await Assert.ThrowsAsync<InfoFieldException>(() => ModelFiles.ReadAsync("big.json", BoundedFile.MaxSpecBytes + 1, _ => throw new InvalidOperationException("opened")));
        var lying = await Assert.ThrowsAsync<InfoFieldException>(() => ModelFiles.ReadAsync("small.json", 10, _ => new MemoryStream(new byte[BoundedFile.MaxSpecBytes + 100])));

        Assert.Equal("big.json: larger than 4,194,304 bytes, the limit for a spec file", oversized.Message);
        Assert.Equal("small.json: larger than 4,194,304 bytes, the limit for a spec file", lying.Message);
        Assert.Equal(BoundedFile.MaxOnnxBytes, ModelFiles.Limit("model.ONNX"));
        Assert.Equal(BoundedFile.MaxSpecBytes, ModelFiles.Limit("model.txt"));
    }

    [Fact]
    public async Task A_file_of_another_name_is_read_as_a_spec_file_as_the_command_line_reads_it()
    {
        byte[] spec = System.Text.Encoding.UTF8.GetBytes(Spec.NetworkSpec.Serialize(Zoo.ModelZoo.Create("vgg11", "cifar10", 0.25)));

        LoadedNetwork loaded = await ModelFiles.ReadAsync("my-network.txt", spec.Length, _ => new MemoryStream(spec));

        Assert.Equal(("spec", "vgg11", "my-network.txt"), (loaded.Kind, loaded.Network.Name, loaded.Reference));
    }

    [Theory]
    [InlineData("abc", "0", "100", "alpha 'abc': expected a finite number such as 3 or 0.5")]
    [InlineData("3", "1,5", "100", "theta '1,5': expected a finite number such as 3 or 0.5")]
    [InlineData("3", "NaN", "100", "theta 'NaN': expected a finite number such as 3 or 0.5")]
    [InlineData("3", "0", "ten", "max-iterations 'ten': expected a whole number")]
    public void A_setting_that_is_not_a_number_is_refused_naming_its_field(string alpha, string theta, string iterations, string message)
    {
        var error = Assert.Throws<ParameterException>(() => PageSettings.Parse(alpha, "input", theta, "literal", iterations, preset: false));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void The_paper_preset_chooses_the_papers_settings_for_a_zoo_model_and_the_defaults_for_a_file()
    {
        PageSettings preset = PageSettings.Default with { Preset = true, MaxIterations = 7 };

        var (zoo, zooWords) = preset.Organizer(Expected.Zoo("vgg19"));
        var (file, fileWords) = preset.Organizer(new LoadedNetwork(Zoo.ModelZoo.Create("vgg19"), "spec", null, 1, "vgg19.json"));

        Assert.Equal(new OrganizerOptions(CoordinateFrame.Input, OrganizerPolicy.Saturated, 0.05, 3, 7), zoo);
        Assert.Contains("VGG19 on CIFAR", zooWords);
        Assert.Equal(OrganizerOptions.Default with { MaxIterations = 7 }, file);
        Assert.Equal("paper preset: spec files have no row in the paper, so the defaults apply", fileWords);
        Assert.Equal("infofield report vgg19 --preset paper --max-iterations 7", ModelReport.Build(Expected.Zoo("vgg19"), preset).ReportCommand);
    }

    [Fact]
    public void The_commands_named_on_the_page_carry_the_models_dataset_width_and_settings()
    {
        ModelReport report = ModelReport.Build(Expected.Zoo("resnet18", "imagenet", 0.5), PageSettings.Default with { Alpha = 2, Frame = CoordinateFrame.Output, Theta = 0.1, Policy = OrganizerPolicy.Saturated });

        Assert.Equal("infofield analyze resnet18 --dataset imagenet --width 0.5 --alpha 2 --frame output --theta 0.1 --json", report.AnalyzeCommand);
        Assert.Equal("infofield report resnet18 --dataset imagenet --width 0.5 --alpha 2 --frame output --theta 0.1 --policy saturated", report.ReportCommand);
        Assert.Equal(Expected.AnalysisJson(report.Loaded, new FieldOptions(2, CoordinateFrame.Output), 0.1), DocumentJson.Serialize(report.Analysis));
    }

    [Fact]
    public void The_field_setting_reaches_the_analysis_the_organizer_and_the_commands()
    {
        PageSettings literal = PageSettings.Parse("3", "input", "0", "literal", "100", preset: false, field: "literal");

        ModelReport report = ModelReport.Build(Expected.Zoo("efficientnet-b0", "imagenet"), literal);
        ModelReport preset = ModelReport.Build(Expected.Zoo("vgg19"), literal with { Preset = true });

        Assert.Equal(FieldKind.Literal, literal.FieldKind);
        Assert.Equal(FieldKind.Local, PageSettings.Parse("3", "input", "0", "literal", "100", preset: false).FieldKind);
        Assert.Equal(FieldKind.Literal, report.Organizer.FieldKind);
        Assert.Equal("literal", report.Analysis.Field);
        Assert.Equal("infofield analyze efficientnet-b0 --dataset imagenet --field literal --json", report.AnalyzeCommand);
        Assert.Equal("infofield report efficientnet-b0 --dataset imagenet --field literal", report.ReportCommand);
        Assert.Equal("infofield report vgg19 --preset paper --field literal", preset.ReportCommand);
        Assert.Equal(FieldKind.Literal, preset.Organizer.FieldKind);
        Assert.Equal(Expected.AnalysisJson(report.Loaded, new FieldOptions(FieldKind: FieldKind.Literal), 0), DocumentJson.Serialize(report.Analysis));
    }

    [Theory]
    [InlineData("dw-rpw", "0", "0.5", "groups 0: must be at least 1")]
    [InlineData("dw-rpw", "2", "1", "overlap 1: must be in [0, 1)")]
    [InlineData("dw-xyz", "2", "0.5", "block 'dw-xyz': expected none, dw-pw, dw-gpw, dw-shuffle-gpw, dw-rpw or rule")]
    [InlineData("dw-rpw", "two", "0.5", "groups 'two': expected a whole number")]
    public void A_decomposer_option_out_of_range_is_refused_as_the_command_line_refuses_it(string block, string groups, string overlap, string message)
    {
        var error = Assert.ThrowsAny<InfoFieldException>(() => DecompositionRun.Of(Expected.Zoo("vgg11"), block, groups, overlap, optimized: false));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_error_that_is_not_the_users_reads_as_a_bug_on_one_line()
    {
        Assert.Equal("internal error: InvalidOperationException: a\\nb (a bug in InfoField)", Errors.OneLine(new InvalidOperationException("a\nb")));
        Assert.Equal("x.json: bad", Errors.OneLine(new InfoFieldException("x.json: bad")));
    }

    [Fact]
    public void The_web_app_runs_on_core_onnx_and_reporting_never_torch()
    {
        var references = typeof(ModelReport).Assembly.GetReferencedAssemblies().Select(name => name.Name).ToList();

        Assert.Contains("InfoField.Core", references);
        Assert.Contains("InfoField.Onnx", references);
        Assert.Contains("InfoField.Reporting", references);
        Assert.DoesNotContain(references, name => name is not null && (name.StartsWith("InfoField.Torch", StringComparison.Ordinal) || name.StartsWith("TorchSharp", StringComparison.Ordinal)));
    }
}
