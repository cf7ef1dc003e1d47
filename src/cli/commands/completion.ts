// `phoenix completion bash|zsh`: a completion script for the verbs, their options and the global
// options (from the same table the CLI is built from), `sim`'s subcommands, and guest ids and names
// read from the config in use (`phoenix list --json`) where a verb takes guests.
import { UsageError } from '../../diag/errors.js';
import { type CommandRun, out } from '../io.js';

const SIM = ['path', 'reset', 'show', 'add-node', 'add-storage', 'add-bridge', 'add-template'];
const TAKES_GUESTS = ['create', 'converge', 'plan', 'delete', 'start', 'stop', 'restart', 'status', 'health-check', 'graph'];
// Ids and names of the configured guests, quietly (nothing when no config is found).
const GUESTS = `phoenix --json list 2>/dev/null | sed -n 's/^ *"\\(id\\|name\\)": "\\{0,1\\}\\([^",]*\\)"\\{0,1\\},\\{0,1\\}$/\\2/p'`;

export interface CliShape {
  globals: string[];
  verbs: Array<{ name: string; options: string[] }>;
}

function bash({ globals, verbs }: CliShape): string {
  const cases = verbs.map((v) => `    ${v.name}) opts="${v.options.join(' ')}" ;;`).join('\n');
  return `# bash completion for phoenix: source <(phoenix completion bash)
_phoenix() {
  local cur verb i opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  verb=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -c|--config|--driver|-j|--concurrency) ((i++)) ;;
      -*) ;;
      *) verb="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [ -z "$verb" ]; then
    COMPREPLY=($(compgen -W "${verbs.map((v) => v.name).join(' ')} ${globals.join(' ')}" -- "$cur"))
    return
  fi
  case "$verb" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts ${globals.join(' ')}" -- "$cur"))
  elif [ "$verb" = sim ]; then
    COMPREPLY=($(compgen -W "${SIM.join(' ')}" -- "$cur"))
  elif [ "$verb" = completion ]; then
    COMPREPLY=($(compgen -W "bash zsh" -- "$cur"))
  else
    case " ${TAKES_GUESTS.join(' ')} " in
      *" $verb "*) COMPREPLY=($(compgen -W "$(${GUESTS})" -- "$cur")) ;;
    esac
  fi
}
complete -F _phoenix phoenix
`;
}

function zsh({ globals, verbs }: CliShape): string {
  const cases = verbs.map((v) => `    ${v.name}) opts=(${v.options.join(' ')}) ;;`).join('\n');
  return `#compdef phoenix
# zsh completion for phoenix: source <(phoenix completion zsh), or save as _phoenix in $fpath
_phoenix() {
  local -a verbs globals opts
  verbs=(${verbs.map((v) => v.name).join(' ')})
  globals=(${globals.join(' ')})
  local verb="" w
  for w in \${words[2,CURRENT-1]}; do
    case $w in -*) ;; *) verb=$w; break ;; esac
  done
  if [[ -z $verb ]]; then
    compadd -a verbs
    [[ $PREFIX == -* ]] && compadd -a globals
    return
  fi
  case $verb in
${cases}
  esac
  if [[ $PREFIX == -* ]]; then
    compadd -a opts globals
  elif [[ $verb == sim ]]; then
    compadd ${SIM.join(' ')}
  elif [[ $verb == completion ]]; then
    compadd bash zsh
  else
    case $verb in
      (${TAKES_GUESTS.join('|')}) compadd -- \${(f)"$(${GUESTS})"} ;;
    esac
  fi
}
if [[ -n \${ZSH_VERSION-} && $funcstack[1] != _phoenix ]]; then compdef _phoenix phoenix; fi
`;
}

export const run: CommandRun = async (ctx) => {
  const shell = ctx.args[0];
  const shape = ctx.options.shape as CliShape; // given by main.ts
  if (shell === 'bash') out(ctx.io, bash(shape));
  else if (shell === 'zsh') out(ctx.io, zsh(shape));
  else throw new UsageError(`no completion for shell "${shell ?? ''}"`, 'phoenix completion bash, or phoenix completion zsh');
  return 0;
};
