using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Spec;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

/// <summary>
/// The zoo's r3d-18: the parameters and MACs of torchvision's <c>torchvision.models.video.r3d_18(weights=None)</c> on
/// Kinetics-400 clips (counted with PyTorch and forward hooks on Conv3d and Linear by tools/zoo/r3d_counts.py), its
/// layout, a spec round trip, its field along the frames, and what the organizer and decomposer make of it.
/// </summary>
public class R3dZooTests
{
    [Fact]
    public void R3d_18_has_the_parameters_and_macs_of_torchvision()
    {
        Network r3d = ModelZoo.Create("r3d-18", "kinetics400");
        Cost total = CostModel.Of(r3d).Total;

        // r3d_18(num_classes=400) on 3x16x112x112: 33,371,472 parameters, 40,696,553,472 MACs (tools/zoo/r3d_counts.py).
        Assert.Equal(33_371_472, total.Parameters);
        Assert.Equal(40_696_553_472, total.Macs);
    }

    [Fact]
    public void R3d_18_halves_frames_height_and_width_in_stages_2_to_4_and_pools_the_whole_clip()
    {
        Network r3d = ModelZoo.Create("r3d-18", "kinetics400");

        Assert.Equal(3, r3d.SpatialRank);
        Assert.Equal(FeatureShape.Volume3d(3, 16, 112, 112), r3d.Input);
        Assert.Equal(new FeatureShape(400, 1, 1), r3d.Output);
        Assert.Equal(
            [FeatureShape.Volume3d(64, 16, 56, 56), FeatureShape.Volume3d(128, 8, 28, 28), FeatureShape.Volume3d(256, 4, 14, 14), FeatureShape.Volume3d(512, 2, 7, 7)],
            r3d.Layout.Stages.Select(stage => stage.Units[^1].Tensors[^1]));
        Assert.Equal(r3d, NetworkSpec.Parse(NetworkSpec.Serialize(r3d)));

        // Through the head's global pooling the classifier reads the whole clip: every frame, row, column and channel.
        OutputField field = Assert.Single(OutputFields.Of(r3d));
        Assert.True(field.Covers(FieldKind.Literal));
        Assert.Equal(16, field.Literal.IfDMin);
    }

    [Fact]
    public void R3d_18_builds_only_for_clips_and_the_image_models_only_for_images()
    {
        var refused = Assert.Throws<InfoFieldException>(() => ModelZoo.Create("r3d-18", "imagenet"));
        var images = Assert.Throws<InfoFieldException>(() => ModelZoo.Create("resnet18", "kinetics400"));

        Assert.Equal("r3d-18 is a 3-D network of video clips (torchvision's video definition); build it for the kinetics400 dataset", refused.Message);
        Assert.Equal("resnet18 is a network of images; kinetics400 holds video clips (build a 3-D model such as r3d-18 for it)", images.Message);
    }

    [Fact]
    public void The_organizer_and_the_decomposer_work_on_r3d_18()
    {
        Network r3d = ModelZoo.Create("r3d-18", "kinetics400", 0.25);

        OrganizerResult organized = StageOrganizer.Optimize(r3d);
        Decomposition decomposed = Decomposer.Decompose(r3d, ReplacementBlock.DwPw);

        // The organizer weighs r3d-18's stages by their fields along the frames too and finds no move that gains.
        Assert.Equal(r3d, organized.After);
        Assert.StartsWith("dIF'_MAX = 1.1042 in stage 2 does not exceed dIF_MIN = 1.4171", Assert.Single(organized.Steps).Reason, StringComparison.Ordinal);

        // Every 3x3x3 convolution but the stem's becomes a 3x3x3 depthwise and a pointwise convolution.
        Assert.Equal(16, decomposed.ReplacedCount);
        Assert.Equal(3, decomposed.After.SpatialRank);
        Assert.Equal(r3d.Output, decomposed.After.Output);
        Assert.Equal(16, decomposed.After.Units.SelectMany(unit => unit.Graph.Nodes).Count(node => node.Op is DepthwiseConvolution { Kernel.D: 3 }));
        Assert.True(CostModel.Of(decomposed.After).Total.Macs < CostModel.Of(r3d).Total.Macs / 4);
    }
}
