namespace WebUI.Components.State;

/// <summary>
/// Which A1111 features the engine accepts in a request yet. The UI shows the others disabled inside
/// <c>SecondWave</c> (a tooltip says they come with the engine's second wave).
/// </summary>
public static class EngineSupport
{
    /// <summary>Inpainting (a mask on the request) and its options: mask blur, masked content, inpaint area, padding.</summary>
    public static bool Inpainting => false;

    /// <summary>Hires. fix (txt2img second pass).</summary>
    public static bool HiresFix => false;
}
