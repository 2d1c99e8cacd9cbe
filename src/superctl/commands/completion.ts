// superctl completion bash|zsh: a shell script that completes verbs, sub-verbs and flags (read
// from the program itself, so it never lags behind), resource types after a verb, and object
// names after a type (asking the cluster with superctl get -o name). zsh runs the bash function
// through bashcompinit.
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

const TYPES = ['pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'services', 'nodes', 'namespaces', 'configmaps', 'secrets', 'events', 'serviceaccounts', 'endpoints'];

function flagsOf(command: Command): string[] {
  return command.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined);
}

/** `verb` or `verb sub` -> its flags; '' -> the global flags. */
function table(program: Command): { verbs: string[]; subs: Map<string, string[]>; flags: Map<string, string[]> } {
  const subs = new Map<string, string[]>();
  const flags = new Map<string, string[]>([['', flagsOf(program)]]);
  const verbs: string[] = [];
  for (const verb of program.commands) {
    verbs.push(verb.name());
    flags.set(verb.name(), flagsOf(verb));
    if (verb.commands.length > 0) {
      subs.set(verb.name(), verb.commands.map((c) => c.name()));
      for (const sub of verb.commands) flags.set(`${verb.name()} ${sub.name()}`, flagsOf(sub));
    }
  }
  return { verbs: verbs.sort(), subs, flags };
}

const quote = (words: string[]): string => words.join(' ');

export function bashScript(program: Command): string {
  const { verbs, subs, flags } = table(program);
  const subCases = [...subs].map(([verb, list]) => `    ${verb}) echo "${quote(list)}" ;;`).join('\n');
  const flagCases = [...flags].filter(([key]) => key !== '').map(([key, list]) => `    "${key}") echo "${quote(list)}" ;;`).join('\n');
  return `# superctl completion for bash (and zsh through bashcompinit).
# Load it with:  source <(superctl completion bash)
__superctl_subverbs() {
  case "$1" in
${subCases}
  esac
}
__superctl_flags() {
  case "$1" in
${flagCases}
  esac
}
_superctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local verb="" sub="" i word
  local -a positional=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      --kubeconfig|--context|-n|--namespace|-s|--server|--token|--request-timeout) ((i++)); continue ;;
      -*) continue ;;
    esac
    if [[ -z "$verb" ]]; then verb="$word"
    elif [[ -z "$sub" && -n "$(__superctl_subverbs "$verb")" ]]; then sub="$word"
    else positional+=("$word")
    fi
  done
  local globals="${quote(flags.get('') ?? [])}"
  if [[ "$cur" == -* ]]; then
    local key="$verb"
    [[ -n "$sub" ]] && key="$verb $sub"
    COMPREPLY=( $(compgen -W "$(__superctl_flags "$key") $globals" -- "$cur") )
    return 0
  fi
  case "$prev" in
    -n|--namespace)
      COMPREPLY=( $(compgen -W "$(superctl get namespaces -o name 2>/dev/null | sed 's|^namespace/||')" -- "$cur") ); return 0 ;;
    --kubeconfig) COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;
  esac
  if [[ -z "$verb" ]]; then
    COMPREPLY=( $(compgen -W "${quote(verbs)}" -- "$cur") ); return 0
  fi
  if [[ -n "$(__superctl_subverbs "$verb")" && -z "$sub" ]]; then
    COMPREPLY=( $(compgen -W "$(__superctl_subverbs "$verb")" -- "$cur") ); return 0
  fi
  case "$verb" in
    completion) COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ); return 0 ;;
    cordon|uncordon|drain)
      COMPREPLY=( $(compgen -W "$(superctl get nodes -o name 2>/dev/null | sed 's|^node/||')" -- "$cur") ); return 0 ;;
    logs|exec)
      if [[ \${#positional[@]} -eq 0 ]]; then
        COMPREPLY=( $(compgen -W "$(superctl get pods -o name 2>/dev/null | sed 's|^pod/||')" -- "$cur") )
      fi
      return 0 ;;
  esac
  if [[ \${#positional[@]} -eq 0 ]]; then
    COMPREPLY=( $(compgen -W "${quote(TYPES)}" -- "$cur") ); return 0
  fi
  COMPREPLY=( $(compgen -W "$(superctl get "\${positional[0]}" -o name 2>/dev/null | sed 's|^[^/]*/||')" -- "$cur") )
}
complete -o default -F _superctl superctl
`;
}

export function zshScript(program: Command): string {
  return `#compdef superctl
# superctl completion for zsh. Load it with:  source <(superctl completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(program).split('\n').slice(2).join('\n')}`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('Print a shell completion script: source <(superctl completion bash)')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      if (shell === 'bash') ctx.out(bashScript(program));
      else if (shell === 'zsh') ctx.out(zshScript(program));
      else throw new CliError(`error: Unsupported shell type "${shell}" (bash or zsh).`);
    });
}
