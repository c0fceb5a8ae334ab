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

// --- Added for the interactive shell (PixelREPL/Shell/LineEditor.swift) ---
typedef void (*cr_line_handler_fn)(char *);

static inline void cr_set_catch_sigwinch(int v) { rl_catch_sigwinch = v; }
static inline void cr_set_completer_quote_characters(const char *s) { rl_completer_quote_characters = s; }
static inline void cr_set_filename_quote_characters(const char *s) { rl_filename_quote_characters = s; }
static inline void cr_callback_install(const char *prompt, cr_line_handler_fn f) { rl_callback_handler_install(prompt, f); }
static inline void cr_callback_read_char(void) { rl_callback_read_char(); }
static inline void cr_callback_remove(void) { rl_callback_handler_remove(); }
static inline int cr_history_length(void) { return history_length; }
static inline const char *cr_history_line(int offset) {
    // offset counts from history_base, as history_get expects.
    HIST_ENTRY *e = history_get(history_base + offset);
    return e ? e->line : NULL;
}
// Ctrl-C at the prompt (callback mode): leave any search or multi-key state,
// show ^C after the text typed so far, and start again on a fresh empty line.
static inline void cr_interrupt_line(void) {
    rl_callback_sigcleanup();
    rl_point = rl_end;
    rl_redisplay();
    fputs("^C", rl_outstream);
    fflush(rl_outstream);
    rl_free_line_state();
    rl_replace_line("", 0);
    rl_mark = 0;
    using_history();
    rl_crlf();
    rl_on_new_line();
    rl_redisplay();
}
// After SIGCONT (Ctrl-Z then fg): the shell may have reset the terminal modes.
static inline void cr_reprepare_terminal(void) {
    rl_deprep_terminal();
    rl_prep_terminal(1);
    rl_forced_update_display();
}
