package io.llmblender.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.runtime.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AlpacaEval's recorded outputs and per-example judge preferences ({@code alpaca_eval/}): for every model, its
 * preference against the fixed reference on each of the 805 instructions, so a pick's score is simply the picked
 * model's stored preference; no judge is called again.
 *
 * <p>Preferences are on 1..2 (1 = reference better, 2 = model better); the legacy tie code 0 becomes 1.5 and
 * unparseable judgements are NaN, as AlpacaEval's own metric code does. Immutable after loading.
 */
public final class AlpacaEval {
    /** The two judges: AlpacaEval 1.0 (GPT-4 vs text-davinci-003) and 2.0 (GPT-4-turbo, weighted, vs GPT-4-turbo). */
    public enum Judge {
        /** AlpacaEval 1.0: GPT-4 judges each output against text-davinci-003's. */
        AE1("preferences_alpaca_eval_gpt4.csv", "ae1_win_rate"),
        /** AlpacaEval 2.0: GPT-4-turbo judges (weighted) each output against GPT-4-turbo's. */
        AE2("preferences_weighted_alpaca_eval_gpt4_turbo.csv", "ae2_win_rate");

        final String file;
        final String leaderboardColumn;

        Judge(String file, String leaderboardColumn) {
            this.file = file;
            this.leaderboardColumn = leaderboardColumn;
        }
    }

    /** The number of AlpacaEval instructions. */
    public static final int INSTRUCTIONS = 805;

    private final DataDirectory data;
    private final Judge judge;
    private final Map<String, double[]> preferences;
    private final List<String> instructions;

    private AlpacaEval(DataDirectory data, Judge judge, Map<String, double[]> preferences, List<String> instructions) {
        this.data = data;
        this.judge = judge;
        this.preferences = preferences;
        this.instructions = instructions;
    }

    /**
     * Reads the judge's preference CSV (columns {@code instruction_index}, {@code model}, {@code preference}, found
     * by name, so a copy with only these columns loads too) and the 805 instructions; either may be gzipped.
     *
     * @param data the data folder holding {@code alpaca_eval/}
     * @param judge whose preferences to read
     * @return the loaded preferences and instructions
     */
    public static AlpacaEval load(DataDirectory data, Judge judge) {
        Path csv = data.root().resolve("alpaca_eval/" + judge.file);
        Map<String, double[]> prefs = new LinkedHashMap<>();
        try {
            List<String> lines = data.lines("alpaca_eval/" + judge.file);
            List<String> header = List.of(lines.get(0).split(",", -1));
            int indexColumn = column(csv, header, "instruction_index");
            int modelColumn = column(csv, header, "model");
            int preferenceColumn = column(csv, header, "preference");
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                int index = Integer.parseInt(f[indexColumn]);
                double[] p = prefs.computeIfAbsent(f[modelColumn], m -> {
                    double[] a = new double[INSTRUCTIONS];
                    Arrays.fill(a, Double.NaN);
                    return a;
                });
                String preference = f[preferenceColumn];
                double v = preference.isEmpty() ? Double.NaN : Double.parseDouble(preference);
                p[index] = v == 0 ? 1.5 : v; // the legacy draw code
            }
            List<String> instructions = new java.util.ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (String l : data.lines("alpaca_eval/alpaca_eval.jsonl")) {
                if (!l.isBlank()) {
                    instructions.add(json.readTree(l).get("instruction").asText());
                }
            }
            return new AlpacaEval(data, judge, prefs, List.copyOf(instructions));
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigException c) {
                throw c;
            }
            throw new ConfigException(csv, null, "cannot be read: " + e, e);
        }
    }

    private static int column(Path csv, List<String> header, String name) {
        int at = header.indexOf(name);
        if (at < 0) {
            throw new ConfigException(csv, name, "is not a column of the header " + header);
        }
        return at;
    }

    /**
     * The models this judge scored.
     *
     * @return the model names, in the CSV's order
     */
    public List<String> models() {
        return List.copyOf(preferences.keySet());
    }

    /**
     * Model → preference per instruction (NaN where missing).
     *
     * @param model a model of {@link #models()}
     * @return one preference on 1..2 per instruction (NaN where missing); a copy
     */
    public double[] preferences(String model) {
        double[] p = preferences.get(model);
        if (p == null) {
            throw new IllegalArgumentException("the " + judge + " judge has no preferences for model '" + model
                    + "'; it has " + preferences.keySet());
        }
        return p.clone();
    }

    /**
     * The instructions, by index.
     *
     * @return the 805 instructions
     */
    public List<String> instructions() {
        return instructions;
    }

    /**
     * The judge whose preferences these are.
     *
     * @return the judge
     */
    public Judge judge() {
        return judge;
    }

    /**
     * The model's outputs, by instruction index (null where it has none).
     *
     * @param model a model of {@link #models()}
     * @return one output per instruction index
     */
    public String[] outputs(String model) {
        Path file = data.require("alpaca_eval/model_outputs/" + model + ".json");
        Map<String, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < instructions.size(); i++) {
            indexOf.put(instructions.get(i), i);
        }
        String[] out = new String[INSTRUCTIONS];
        try {
            for (JsonNode n : new ObjectMapper().readTree(file.toFile())) {
                Integer i = indexOf.get(n.get("instruction").asText());
                if (i != null) {
                    out[i] = n.get("output").asText();
                }
            }
        } catch (IOException e) {
            throw new ConfigException(file, null, "cannot be read: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The leaderboard win rate of {@code model} for this judge ({@code selected_models.csv}), or NaN.
     *
     * @param model a model of {@link #models()}
     * @return the win rate in percent, or NaN if the leaderboard does not list it
     */
    public double leaderboardWinRate(String model) {
        Path csv = data.root().resolve("alpaca_eval/selected_models.csv");
        List<String> lines = data.lines("alpaca_eval/selected_models.csv");
        List<String> header = List.of(lines.get(0).split(",", -1));
        int modelColumn = column(csv, header, "model");
        int col = column(csv, header, judge.leaderboardColumn);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f[modelColumn].equals(model)) {
                return f[col].isEmpty() ? Double.NaN : Double.parseDouble(f[col]);
            }
        }
        return Double.NaN;
    }
}
