;;; quorum-eglot-test.el --- batch test of quorum-eglot.el against the real server  -*- lexical-binding: t; -*-

;; Run by Tests/e2e/test_editor_emacs.py:
;;   QUORUM_BIN=… QUORUM_PROJECT=… QUORUM_MODEL=… emacs --batch -Q -l editors/emacs/test/quorum-eglot-test.el
;; Prints "emacs eglot test: ok" and exits 0, or prints the failure and exits 3.

;;; Code:

;; `emacs -Q' hides Debian's site-lisp: add the packaged Eglot (1.9 on Debian 12; built in from Emacs 29).
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(add-to-list 'load-path (expand-file-name ".." (file-name-directory load-file-name)))
(require 'quorum-eglot)

(defvar quorum-test-project (getenv "QUORUM_PROJECT"))

(defun quorum-test-check (condition &rest message)
  (unless condition (error "%s" (apply #'format message))))

(defun quorum-test-buffer-text (name)
  (with-current-buffer name (buffer-substring-no-properties (point-min) (point-max))))

(defun quorum-test-main ()
  (setq quorum-program (getenv "QUORUM_BIN")
        quorum-settings `(:model (:path ,(getenv "QUORUM_MODEL") :contextSize 1024 :threads 2)
                          :completion (:maxTokens 12)))
  (quorum-eglot-setup)
  (setq eglot-sync-connect t
        eglot-connect-timeout 60)
  (find-file (expand-file-name "app/util.py" quorum-test-project))
  (apply #'eglot (eglot--guess-contact))
  (let ((server (eglot-current-server)) status)
    (quorum-test-check server "Eglot did not connect")
    ;; Wait for the index and the model.
    (let ((tries 0))
      (while (progn
               (setq status (jsonrpc-request server :quorum/status (make-hash-table)))
               (and (< tries 600)
                    (or (eq (plist-get status :indexing) t)
                        (< (or (plist-get status :indexedFiles) 0) 4)
                        (eq (plist-get status :modelLoading) t)
                        (not (plist-get status :completionBackend)))))
        (setq tries (1+ tries))
        (sleep-for 0.05)))
    (let ((model (plist-get (plist-get status :settings) :model)))
      (quorum-test-check (equal (plist-get model :path) (getenv "QUORUM_MODEL")) "settings %S" model)
      (quorum-test-check (equal (plist-get model :contextSize) 1024) "settings %S" model))
    (quorum-test-check (plist-get status :completionBackend) "no completion backend: %S" status)
    (message "settings and index: ok")

    ;; Rename across the project, when the server offers it (Eglot's own command).
    (if (not (eglot--server-capable :renameProvider))
        (message "rename: skipped (the server does not advertise renameProvider)")
      ;; Eglot 1.9 asks before editing files that no buffer visits: visit them, as a user who answers yes.
      (dolist (file '("app/main.py" "app/report.py"))
        (find-file-noselect (expand-file-name file quorum-test-project)))
      (goto-char (point-min))
      (re-search-forward "^def \\(parse_number\\)")
      (goto-char (match-beginning 1))
      (eglot-rename "read_number")
      (dolist (file '("app/util.py" "app/main.py" "app/report.py"))
        (with-current-buffer (find-file-noselect (expand-file-name file quorum-test-project))
          (let ((text (buffer-substring-no-properties (point-min) (point-max))))
            (quorum-test-check (and (string-match-p "read_number" text) (not (string-match-p "parse_number" text)))
                               "%s after rename:\n%s" file text))))
      (save-some-buffers t)
      (message "rename: ok"))

    ;; A code action, resolved by quorum-code-action: organize imports drops an unused import.
    (with-current-buffer (find-file-noselect (expand-file-name "app/report.py" quorum-test-project))
      (goto-char (point-min))
      (insert "import sys\n")
      (goto-char (point-min))
      (quorum-code-action "Organize imports")
      (let ((text (buffer-substring-no-properties (point-min) (point-max))))
        (quorum-test-check (and (not (string-match-p "import sys" text)) (string-match-p "\\`from app.util import" text))
                           "after organize imports:\n%s" text))
      (save-buffer))
    (message "code action: ok")

    ;; Graph commands.
    (quorum-dependents)
    (let ((text (quorum-test-buffer-text "*quorum dependents of util.py*")))
      (quorum-test-check (and (string-match-p "^app/main.py:1:" text) (string-match-p "^app/report.py:1:" text))
                         "dependents:\n%s" text))
    (message "dependents: ok")
    (find-file (expand-file-name "app/main.py" quorum-test-project))
    (quorum-test-check (eq (eglot-current-server) server) "main.py has another server")
    (quorum-dependencies)
    (let ((text (quorum-test-buffer-text "*quorum dependencies of main.py*")))
      (quorum-test-check (and (string-match-p "^app/util.py:1:" text) (string-match-p "external module os" text))
                         "dependencies:\n%s" text))
    (message "dependencies: ok")
    (quorum-cycles)
    (let ((text (quorum-test-buffer-text "*quorum import cycles*")))
      (quorum-test-check (and (string-match-p "^app/ping.py:1:" text) (string-match-p "^app/pong.py:1:" text))
                         "cycles:\n%s" text))
    (message "cycles: ok")

    ;; The model's suggestion: inline (inserted at point) and through completion-at-point.
    (goto-char (point-max))
    (insert "\n")
    (let* ((before (buffer-substring-no-properties (point-min) (point)))
           (text (quorum-insert-suggestion)))
      (quorum-test-check (and (stringp text) (> (length text) 0)) "no inline suggestion")
      (quorum-test-check (equal (buffer-substring-no-properties (point-min) (point-max)) (concat before text))
                         "buffer after inserting the suggestion")
      (message "inline suggestion: ok %S" text))
    (goto-char (point-max))
    (insert "\nx = ")
    (let* ((capf (eglot-completion-at-point))
           (table (nth 2 capf))
           (labels (and table (all-completions "" table))))
      (quorum-test-check (and capf labels) "no completion-at-point items")
      (message "completion-at-point: %d item(s)" (length labels)))
    (set-buffer-modified-p nil)

    (quorum-stats)
    (quorum-test-check (string-match-p ":completions" (quorum-test-buffer-text "*quorum stats*")) "stats")
    (message "stats: ok")
    (eglot-shutdown server)
    (message "emacs eglot test: ok")))

(condition-case err
    (progn (quorum-test-main) (kill-emacs 0))
  (error (message "emacs eglot test FAILED: %S" err) (kill-emacs 3)))

;;; quorum-eglot-test.el ends here
