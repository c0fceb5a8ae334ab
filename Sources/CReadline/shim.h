// GNU readline (Debian: libreadline-dev). Swift 6 refuses direct use of mutable
// C globals, so every global the REPL needs is reached through an accessor here.
#include <stdio.h>
#include <stdlib.h>
#include <readline/readline.h>
#include <readline/history.h>

typedef char **(*cr_completion_fn)(const char *, int, int);
typedef char *(*cr_generator_fn)(const char *, int);

static inline void cr_set_attempted_completion(cr_completion_fn f) { rl_attempted_completion_function = f; }
static inline void cr_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline void cr_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
static inline const char *cr_line_buffer(void) { return rl_line_buffer; }
static inline int cr_point(void) { return rl_point; }
static inline char **cr_completion_matches(const char *text, cr_generator_fn g) { return rl_completion_matches(text, g); }
static inline char *cr_filename_completion(const char *text, int state) { return rl_filename_completion_function(text, state); }
static inline void cr_set_history_length(int n) { stifle_history(n); }
static inline void cr_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void cr_set_catch_signals(int v) { rl_catch_signals = v; }
static inline void cr_set_basic_word_break(const char *s) { rl_basic_word_break_characters = s; }
// After Ctrl-C at the prompt: drop the half-typed line and show a fresh prompt.
static inline void cr_reset_line(void) {
    rl_free_line_state();
    rl_replace_line("", 0);
    rl_crlf();
    rl_on_new_line();
    rl_redisplay();
}
static inline void cr_set_done(int v) { rl_done = v; }
