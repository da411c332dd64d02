package dev.strobe.tools;

import dev.strobe.model.TrainingSchedule;
import dev.strobe.pipeline.schedule.EulerSchedule;
import dev.strobe.pipeline.schedule.PredictionType;
import dev.strobe.pipeline.schedule.TimestepSpacing;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code schedule --steps N [--prediction epsilon|sample] [--spacing trailing|sgm_uniform]}. */
@Command(name = "schedule", description = "Print the Euler timesteps and sigmas for a step count.")
final class ScheduleCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--steps", required = true, description = "denoising steps, 1..1000")
    private int steps;

    @Option(
            names = "--prediction",
            defaultValue = "epsilon",
            description = "epsilon or sample; default ${DEFAULT-VALUE}")
    private String prediction;

    @Option(
            names = "--spacing",
            defaultValue = "trailing",
            description = "trailing (diffusers) or sgm_uniform (ComfyUI); default ${DEFAULT-VALUE}")
    private String spacing;

    @Override
    public Integer call() {
        PredictionType type = PredictionType.parse(prediction);
        EulerSchedule schedule = EulerSchedule.of(TrainingSchedule.sdxl(), steps, TimestepSpacing.parse(spacing));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("timesteps", schedule.timesteps());
        json.put("sigmas", schedule.sigmas());
        json.put("model_timesteps", schedule.modelTimesteps());
        json.put("init_noise_sigma", schedule.initNoiseSigma());
        json.put("spacing", schedule.spacing().manifestName());
        json.put("prediction", type.manifestName());
        JsonLine.print(spec.commandLine().getOut(), json);
        return 0;
    }
}
