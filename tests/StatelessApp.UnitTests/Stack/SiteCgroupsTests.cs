using StatelessApp.Stack.Distance;

namespace StatelessApp.UnitTests.Stack;

public sealed class SiteCgroupsTests
{
    [Fact]
    public void A_stack_is_tagged_by_its_state_folder_the_same_every_time()
    {
        var tag = SiteCgroups.TagOf("/work/app/.stack");

        Assert.Matches("^[0-9a-f]{8}$", tag);
        Assert.Equal(tag, SiteCgroups.TagOf("/work/app/.stack/"));
        Assert.Equal(tag, SiteCgroups.TagOf("/work/app/./.stack"));
    }

    [Fact]
    public void Two_stacks_on_one_machine_get_different_tags()
    {
        Assert.NotEqual(SiteCgroups.TagOf("/work/app/.stack"), SiteCgroups.TagOf("/tmp/statelessapp-stack-tests"));
    }
}
