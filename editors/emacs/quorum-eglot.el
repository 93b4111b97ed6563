;;; quorum-eglot.el --- Quorum language server with Eglot  -*- lexical-binding: t; -*-

;; Set-up for Emacs 28+ with Eglot 1.9+ (Debian 12: `apt-get install emacs-nox elpa-eglot'; built in from 29).
;; Registers `quorum lsp' as the Eglot server of the languages in `quorum-modes', passes `quorum-settings'
;; (the server's settings, same names as the repository README, Settings) as initializationOptions and as the `quorum'
;; section of the workspace configuration, and adds commands for the import graph:
;; `quorum-dependents', `quorum-dependencies', `quorum-cycles', `quorum-path', `quorum-stats', `quorum-status',
;; and `quorum-code-action' (refactors and model actions, resolved here since Eglot 1.9 does not resolve them).
;;
;; Completions: Eglot's completion-at-point shows Quorum's items (the model's suggestion first).
;; Eglot has no ghost text (textDocument/inlineCompletion); `quorum-insert-suggestion' inserts the model's
;; inline suggestion at point.

;;; Code:

(require 'eglot)
(require 'jsonrpc)
(require 'subr-x)

(defgroup quorum nil
  "Quorum, a local LSP code assistant."
  :group 'tools
  :prefix "quorum-")

(defcustom quorum-program "quorum"
  "The quorum executable (a name on `exec-path' or a full path)."
  :type 'string)

(defcustom quorum-settings
  '(:model (:path "~/.cache/quorum/models/gemma3-270m-q4_k_m.gguf"))
  "Quorum's settings as a plist, with the server's names (the repository README, Settings).
For example (:model (:path \"~/m.gguf\" :contextSize 4096) :completion (:maxTokens 64)
:exclude [\"build/**\"]).  Use vectors for lists and :json-false for false."
  :type 'sexp)

(defcustom quorum-modes
  '(python-mode python-ts-mode js-mode js-ts-mode typescript-mode typescript-ts-mode go-mode go-ts-mode
    rust-mode rust-ts-mode c-mode c-ts-mode c++-mode c++-ts-mode java-mode java-ts-mode swift-mode
    ruby-mode ruby-ts-mode sh-mode bash-ts-mode)
  "Major modes whose Eglot server is Quorum.
Eglot runs one server per buffer: these modes use Quorum instead of their usual server."
  :type '(repeat symbol))

(defun quorum--contact (&optional _interactive)
  "The Eglot contact: the command and the initialization options."
  (list quorum-program "lsp" :initializationOptions quorum-settings))

;;;###autoload
(defun quorum-eglot-setup ()
  "Make Quorum the Eglot server of `quorum-modes' and send `quorum-settings' as its configuration."
  (interactive)
  (setq eglot-server-programs
        (cons (cons quorum-modes #'quorum--contact)
              (seq-remove (lambda (entry) (eq (cdr entry) #'quorum--contact)) eglot-server-programs)))
  ;; Eglot pushes this after connecting and answers workspace/configuration pulls with it.
  (setq-default eglot-workspace-configuration
                (cons (cons :quorum quorum-settings)
                      (assq-delete-all :quorum (if (listp (default-value 'eglot-workspace-configuration))
                                                   (copy-sequence (default-value 'eglot-workspace-configuration))
                                                 nil)))))

(defun quorum--server ()
  "The Eglot server of this buffer, or an error."
  (or (eglot-current-server) (user-error "Quorum: no Eglot server in this buffer (M-x eglot)")))

(defun quorum--request (method params)
  "Send METHOD with PARAMS to this buffer's server and return the answer."
  (let ((server (quorum--server)))
    ;; Eglot sends edits on an idle timer: flush them so the server sees the buffer as it is now.
    (when (and (bound-and-true-p eglot--managed-mode) (fboundp 'eglot--signal-textDocument/didChange))
      (eglot--signal-textDocument/didChange))
    (jsonrpc-request server method params :timeout 60)))

(defun quorum--uri (&optional file)
  "The URI of FILE (default: this buffer's file)."
  (eglot--path-to-uri (or file (buffer-file-name) (user-error "Quorum: this buffer has no file"))))

(defun quorum--root ()
  "The project root of this buffer's server (else `default-directory')."
  (let ((server (eglot-current-server)))
    (expand-file-name (or (and server (project-root (eglot--project server))) default-directory))))

(defun quorum--relative (uri)
  "URI as a path relative to the project root."
  (file-relative-name (eglot--uri-to-path uri) (quorum--root)))

(defun quorum--show (title lines)
  "Show LINES (\"FILE:LINE: text\") in a grep-mode buffer named after TITLE, where RET visits a file."
  (let ((buffer (get-buffer-create (format "*quorum %s*" title)))
        (dir (quorum--root)))
    (with-current-buffer buffer
      (let ((inhibit-read-only t))
        (erase-buffer)
        (setq default-directory dir)
        (insert (format "-*- Quorum: %s -*-\n" title))
        (dolist (line lines) (insert line "\n"))
        (if lines nil (insert "(none)\n")))
      (grep-mode))
    (display-buffer buffer)
    buffer))

(defun quorum--entries (files)
  "Lines for the FILES of a quorum/dependents or quorum/dependencies answer."
  (mapcar (lambda (f)
            (let ((uri (plist-get f :uri)))
              (if (stringp uri)
                  (format "%s:1: depth %s" (quorum--relative uri) (plist-get f :depth))
                (format "external module %s (depth %s)" (plist-get f :id) (plist-get f :depth)))))
          files))

;;;###autoload
(defun quorum-dependents (&optional transitive)
  "Show the files that import this one; with a prefix argument (TRANSITIVE), at every level."
  (interactive "P")
  (let ((answer (quorum--request :quorum/dependents `(:uri ,(quorum--uri) :transitive ,(if transitive t :json-false)))))
    (quorum--show (format "dependents of %s" (file-name-nondirectory (buffer-file-name)))
                  (quorum--entries (append (plist-get answer :files) nil)))))

;;;###autoload
(defun quorum-dependencies (&optional transitive)
  "Show the files and modules this one imports; with a prefix argument (TRANSITIVE), at every level."
  (interactive "P")
  (let ((answer (quorum--request :quorum/dependencies `(:uri ,(quorum--uri) :transitive ,(if transitive t :json-false)))))
    (quorum--show (format "dependencies of %s" (file-name-nondirectory (buffer-file-name)))
                  (quorum--entries (append (plist-get answer :files) nil)))))

;;;###autoload
(defun quorum-cycles ()
  "Show the import cycles of the workspace."
  (interactive)
  (let* ((answer (quorum--request :quorum/cycles (make-hash-table)))
         (n 0) lines)
    (dolist (cycle (append (plist-get answer :cycles) nil))
      (setq n (1+ n))
      (dolist (uri (append (plist-get cycle :files) nil))
        (push (format "%s:1: cycle %d: %s" (quorum--relative uri) n
                      (string-join (append (plist-get cycle :ids) nil) " -> "))
              lines)))
    (quorum--show "import cycles" (nreverse lines))))

;;;###autoload
(defun quorum-path (target)
  "Show the shortest import path from this file to TARGET (a file or an external module name)."
  (interactive (list (read-file-name "Import path to: ")))
  (let* ((to (if (file-exists-p target) (quorum--uri (expand-file-name target)) target))
         (answer (quorum--request :quorum/path `(:from ,(quorum--uri) :to ,to)))
         (uris (append (plist-get answer :uris) nil))
         (i 0) lines)
    (dolist (id (append (plist-get answer :path) nil))
      (let ((uri (nth i uris)))
        (setq i (1+ i))
        (push (if (stringp uri) (format "%s:1: %d. %s" (quorum--relative uri) i id)
                (format "%d. %s" i id))
              lines)))
    (quorum--show (format "import path to %s" (file-name-nondirectory target)) (nreverse lines))))

(defun quorum--show-json (title value)
  "Show VALUE (a plist from the server) in a buffer named after TITLE."
  (with-current-buffer (get-buffer-create (format "*quorum %s*" title))
    (let ((inhibit-read-only t))
      (erase-buffer)
      (insert (pp-to-string value)))
    (special-mode)
    (display-buffer (current-buffer))
    (current-buffer)))

;;;###autoload
(defun quorum-stats ()
  "Show the completion counters (requests, tokens reused from memory and disk, tokens computed)."
  (interactive)
  (quorum--show-json "stats" (quorum--request :quorum/stats (make-hash-table))))

;;;###autoload
(defun quorum-status ()
  "Show the server's state and the settings in effect."
  (interactive)
  (quorum--show-json "status" (quorum--request :quorum/status (make-hash-table))))

;;;###autoload
(defun quorum-insert-suggestion ()
  "Insert the model's inline suggestion (textDocument/inlineCompletion) at point."
  (interactive)
  (let* ((answer (quorum--request :textDocument/inlineCompletion
                                  `(,@(eglot--TextDocumentPositionParams) :context (:triggerKind 1))))
         (items (append (if (vectorp answer) answer (plist-get answer :items)) nil))
         (text (and items (plist-get (car items) :insertText))))
    (if (and (stringp text) (not (string-empty-p text)))
        (progn (insert text) text)
      (message "Quorum: no suggestion here")
      nil)))

;;;###autoload
(defun quorum-code-action (&optional title beg end)
  "Choose one of Quorum's code actions for the region (or point) and apply it.
Quorum lists actions cheaply and computes their edits on codeAction/resolve, which Eglot 1.9 does not send;
this command resolves the chosen action itself.  TITLE (a string to match) skips the prompt.
Actions: extract into a variable or a function, inline variable, organize imports, and the model actions
\(implement a function, add a docstring, write a unit test)."
  (interactive)
  (let* ((beg (or beg (if (use-region-p) (region-beginning) (point))))
         (end (or end (if (use-region-p) (region-end) (point))))
         (actions (append (quorum--request :textDocument/codeAction
                                           `(:textDocument ,(eglot--TextDocumentIdentifier)
                                             :range (:start ,(eglot--pos-to-lsp-position beg)
                                                     :end ,(eglot--pos-to-lsp-position end))
                                             :context (:diagnostics [])))
                          nil))
         (titles (mapcar (lambda (a) (plist-get a :title)) actions))
         (chosen (cond ((null actions) (user-error "Quorum: no code actions here"))
                       (title (seq-find (lambda (a) (string-match-p (regexp-quote title) (plist-get a :title))) actions))
                       (t (let ((name (completing-read "Quorum action: " titles nil t)))
                            (seq-find (lambda (a) (equal (plist-get a :title) name)) actions))))))
    (unless chosen (user-error "Quorum: no action matches %s (offered: %s)" title (string-join titles ", ")))
    (let* ((resolved (if (plist-get chosen :edit) chosen (quorum--request :codeAction/resolve chosen)))
           (edit (plist-get resolved :edit)))
      (when edit (eglot--apply-workspace-edit edit))
      (plist-get resolved :title))))

(provide 'quorum-eglot)
;;; quorum-eglot.el ends here
