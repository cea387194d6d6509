// The recipe overrides `testtune train` and `testtune finetune` share: learning rate, epochs and the LoRA
// shape (rank, targets). Anything not given stays the study's (src/train/recipe.ts); resolveRecipe
// checks the values against the model (an unknown module name is refused with the known ones).
import { int, str, UsageError, type ParsedArgs } from './command';
import type { Method, RecipeOverrides } from '../train/recipe';

/** The flag names, for parseArgs' `values`. */
export const RECIPE_FLAGS = ['lr', 'epochs', 'lora-r', 'lora-targets'] as const;

export const RECIPE_FLAGS_USAGE = `--lr x / --epochs n   the learning rate and epochs (default: the study's for the method)
--lora-r n   LoRA rank (alpha stays 2 × r, the recipe's ratio)
--lora-targets m,m…   the modules LoRA adapts (default: the family's, q_proj,v_proj for Llama); e.g. all of
         q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj; an unknown name is refused with the known ones`;

/** The overrides given on the command line (only those given). */
export function recipeFlags(args: ParsedArgs, method: Method): Partial<RecipeOverrides> {
  const lrText = str(args, 'lr');
  const lr = lrText === undefined ? undefined : Number(lrText);
  if (lr !== undefined && !(Number.isFinite(lr) && lr > 0)) throw new UsageError(`--lr must be a positive number, got '${lrText}'`);
  const rank = int(args, 'lora-r');
  const targets = str(args, 'lora-targets')?.split(',').map((m) => m.trim()).filter(Boolean);
  if ((rank !== undefined || targets !== undefined) && method !== 'lora') throw new UsageError('--lora-r and --lora-targets go with --method lora');
  const out: Partial<RecipeOverrides> = {
    lr,
    epochs: int(args, 'epochs'),
    loraR: rank,
    loraAlpha: rank === undefined ? undefined : 2 * rank,
    loraTargets: targets,
  };
  for (const k of Object.keys(out) as (keyof RecipeOverrides)[]) if (out[k] === undefined) delete out[k];
  return out;
}
